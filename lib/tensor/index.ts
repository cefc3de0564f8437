export * from './dtype';
export * from './tensor';
export * from './creation';
export * from './functional';
export * from './grad-mode';
export { keep, tidy } from './tidy';
