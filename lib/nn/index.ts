export * from './module';
export * from './parameter';
export * as init from './init';
export * from './linear';
export * from './conv';
export * from './normalization';
export * from './layers';
export * from './embedding';
export * from './container';
