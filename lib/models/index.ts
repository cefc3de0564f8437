export * from './registry';
export * from './lenet';
