export * from './registry';
export * from './lenet';
export * from './digits-resnet';
