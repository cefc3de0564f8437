export * from './dataset';
export * from './data-loader';
export * from './mnist';
export * from './recipe-datasets';
