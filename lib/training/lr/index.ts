export * from './base';
export * from './warmup';
export * from './schedulers';
export * from './torch-schedulers';
export * from './torch-callback';
export * from './factory';
