/**
 * The shapes of named param groups, before an optimizer gets them: what a model's
 * `initializeParamGroups` returns (the seed's protocol). SuperGradients' logic that builds them
 * (initial_lr mappings, the zero-weight-decay split, buildOptimizer) is training logic and lives in
 * lib/training/build-optimizer.ts.
 */
import { Tensor } from '../tensor/tensor';

/** `[name, parameter]` pairs, as Module.namedParameters() returns them. */
export type NamedParams = Array<[string, Tensor]>;

/** A group before it is handed to the optimizer: `{named_params, lr, name, ...options}`. */
export interface NamedParamGroup {
  named_params: NamedParams | Iterable<[string, Tensor]>;
  lr?: number;
  name?: string;
  [option: string]: unknown;
}
