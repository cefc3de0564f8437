export * from './dataset';
export * from './data-loader';
export * from './distributed-sampler';
export * from './mnist';
export * from './recipe-datasets';
export * from './image-folder';
export * as transforms from './transforms';
export { defaultCacheDir, ensureDigitsFolder } from './digits-folder';
