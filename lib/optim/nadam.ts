/** NAdam: torch.optim.NAdam's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { betasCheck, CAPTURABLE_OPTION, DIFFERENTIABLE_OPTION, FOREACH_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const NADAM_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 2e-3, check: nonNegative('learning rate'), doc: 'learning rate' },
  betas: { kind: 'pair', default: [0.9, 0.999], check: betasCheck, doc: 'running-average coefficients' },
  eps: { kind: 'number', default: 1e-8, check: nonNegative('epsilon value'), doc: 'added to the denominator' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'weight decay (L2, or decoupled)' },
  momentum_decay: { kind: 'number', default: 4e-3, check: nonNegative('momentum_decay value'), doc: 'momentum decay ψ of the momentum schedule' },
  decoupled_weight_decay: { kind: 'boolean', default: false, doc: 'decay p by lr·weight_decay directly (NAdamW) instead of adding it to the gradient' },
  foreach: FOREACH_OPTION,
  maximize: MAXIMIZE_OPTION,
  capturable: CAPTURABLE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's path choice (torch.optim.NAdam has no fused option): false selects the reference path" },
};

export interface NAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  momentum_decay?: number;
  decoupled_weight_decay?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

/**
 * NAdam (Adam with Nesterov momentum), exactly torch.optim.NAdam, with `mu_product` kept as a
 * float32 scalar tensor as PyTorch keeps it.
 *
 * @example
 * const opt = new sg.optim.NAdam(model.parameters(), { lr: 2e-3, momentum_decay: 4e-3 });
 */
export class NAdam extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: NAdamOptions = {}) {
    super(NADAM_INFO, params, options as Record<string, unknown>);
  }
}

/** NAdam's record (see OptimizerInfo). */
export const NADAM_INFO = defineOptimizer({
  name: 'NAdam',
  cls: NAdam,
  schema: NADAM_OPTIONS,
  description: 'NAdam: Adam with Nesterov momentum and a decaying momentum schedule; decoupled weight decay optional.',
  reference: 'torch.optim.NAdam',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
