/**
 * sg-optim: SuperGradients-style training for TypeScript on LibTorch.
 *
 * @example
 * import * as sg from 'sg-optim';
 * const x = sg.randn([4, 3], { requiresGrad: true });
 * x.pow(2).sum().backward();
 */
export * from './tensor';
export * as nn from './nn';
export * as optim from './optim-namespace';
export * as data from './data';
export * as distributed from './distributed';
export * as models from './models';
export * as training from './training';
export * as recipes from './recipes';
export { Trainer } from './training/trainer';
export { save, load } from './serialize';
export * as errors from './errors';
export { buildInfo } from './build-info';
export type { BuildInfo, LibTorchSource } from './build-info';
