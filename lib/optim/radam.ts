/** RAdam: torch.optim.RAdam's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { betasCheck, CAPTURABLE_OPTION, DIFFERENTIABLE_OPTION, FOREACH_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const RADAM_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-3, check: nonNegative('learning rate'), doc: 'learning rate' },
  betas: { kind: 'pair', default: [0.9, 0.999], check: betasCheck, doc: 'running-average coefficients' },
  eps: { kind: 'number', default: 1e-8, check: nonNegative('epsilon value'), doc: 'added to the denominator' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'weight decay (L2, or decoupled)' },
  decoupled_weight_decay: { kind: 'boolean', default: false, doc: 'decay p by lr·weight_decay directly (RAdamW) instead of adding it to the gradient' },
  foreach: FOREACH_OPTION,
  maximize: MAXIMIZE_OPTION,
  capturable: CAPTURABLE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's path choice (torch.optim.RAdam has no fused option): false selects the reference path" },
};

export interface RAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  decoupled_weight_decay?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

/**
 * RAdam (rectified Adam), exactly torch.optim.RAdam: plain momentum SGD while the variance
 * estimate is unreliable (rho_t ≤ 5), rectified Adam afterwards.
 *
 * @example
 * const opt = new sg.optim.RAdam(model.parameters(), { lr: 1e-3, weight_decay: 0.01, decoupled_weight_decay: true });
 */
export class RAdam extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: RAdamOptions = {}) {
    super(RADAM_INFO, params, options as Record<string, unknown>);
  }
}

/** RAdam's record (see OptimizerInfo). */
export const RADAM_INFO = defineOptimizer({
  name: 'RAdam',
  cls: RAdam,
  schema: RADAM_OPTIONS,
  description: 'RAdam: Adam with the variance of the adaptive step rectified, momentum SGD for the first steps.',
  reference: 'torch.optim.RAdam',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
