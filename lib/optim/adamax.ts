/** Adamax: torch.optim.Adamax's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { betasCheck, CAPTURABLE_OPTION, DIFFERENTIABLE_OPTION, FOREACH_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const ADAMAX_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 2e-3, check: nonNegative('learning rate'), doc: 'learning rate' },
  betas: { kind: 'pair', default: [0.9, 0.999], check: betasCheck, doc: 'running-average coefficients (mean, infinity norm)' },
  eps: { kind: 'number', default: 1e-8, check: nonNegative('epsilon value'), doc: 'added to |grad| in the infinity norm' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'L2 penalty' },
  foreach: FOREACH_OPTION,
  maximize: MAXIMIZE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
  capturable: CAPTURABLE_OPTION,
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's path choice (torch.optim.Adamax has no fused option): false selects the reference path" },
};

export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
  fused?: boolean | null;
}

/**
 * Adamax (Adam with the infinity norm), exactly torch.optim.Adamax.
 *
 * @example
 * const opt = new sg.optim.Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: AdamaxOptions = {}) {
    super(ADAMAX_INFO, params, options as Record<string, unknown>);
  }
}

/** Adamax's record (see OptimizerInfo). */
export const ADAMAX_INFO = defineOptimizer({
  name: 'Adamax',
  cls: Adamax,
  schema: ADAMAX_OPTIONS,
  description: 'Adamax: Adam with an exponentially weighted infinity norm in place of the second moment.',
  reference: 'torch.optim.Adamax',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
