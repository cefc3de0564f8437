/**
 * What `sg.optim` exports: lib/optim, plus SuperGradients' param-group helpers that lived in
 * lib/optim until issue 11 moved them to lib/training/build-optimizer.ts (`sg.training.*`, their
 * home now). Re-exported here, above both folders, so that `sg.optim.buildOptimizer` and the rest
 * keep working while lib/optim itself imports neither lib/nn nor lib/training.
 */
export * from './optim';
export {
  buildOptimizer,
  initializeParamGroups,
  separateLrGroups,
  separateZeroWdGroups,
  SG_DEFAULT_OPTIMIZER_PARAMS,
} from './training/build-optimizer';
export type { BuildOptimizerResult, ModuleClassifier, ParamGroupsModel } from './training/build-optimizer';
