/** Adam: torch.optim.Adam's options (shared with AdamW), class and record. */
import { betasCheck, DIFFERENTIABLE_OPTION, FOREACH_OPTION, FUSED_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema } from './option-schema';
import { NativeOptimizer } from './native-optimizer';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

/** Options shared by Adam and AdamW (AdamW changes the weight_decay default). */
export function adamOptions(weightDecay: number): OptionSchema {
  return {
    lr: { kind: 'number', default: 1e-3, check: nonNegative('learning rate'), doc: 'learning rate' },
    betas: { kind: 'pair', default: [0.9, 0.999], check: betasCheck, doc: 'running-average coefficients' },
    eps: { kind: 'number', default: 1e-8, check: nonNegative('epsilon value'), doc: 'added to the denominator' },
    weight_decay: { kind: 'number', default: weightDecay, check: nonNegative('weight_decay value'), doc: 'weight decay' },
    amsgrad: { kind: 'boolean', default: false, doc: 'AMSGrad variant' },
    maximize: MAXIMIZE_OPTION,
    foreach: FOREACH_OPTION,
    fused: FUSED_OPTION,
    capturable: { kind: 'boolean', default: false, doc: 'accepted for compatibility' },
    differentiable: DIFFERENTIABLE_OPTION,
  };
}

export const ADAM_OPTIONS: OptionSchema = {
  ...adamOptions(0),
  decoupled_weight_decay: { kind: 'boolean', default: false, doc: "decay p by lr·weight_decay directly, as AdamW (PyTorch 2.x's option)" },
};

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  fused?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  /** PyTorch 2.x: true makes Adam AdamW (decoupled weight decay). */
  decoupled_weight_decay?: boolean;
}

/**
 * Adam with coupled (L2) weight decay, exactly torch.optim.Adam; `decoupled_weight_decay: true`
 * makes it AdamW, as in PyTorch 2.x.
 *
 * @example
 * const opt = new sg.optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: AdamOptions = {}) {
    super(ADAM_INFO, params, options as Record<string, unknown>);
  }
}

/** Adam's record (see OptimizerInfo). */
export const ADAM_INFO = defineOptimizer({
  name: 'Adam',
  cls: Adam,
  schema: ADAM_OPTIONS,
  description: 'Adam with coupled (L2) weight decay, or decoupled as AdamW; AMSGrad optional.',
  reference: 'torch.optim.Adam',
  sgDefaults: { weight_decay: 1e-4 },
  flags: { stepAsTensor: true, hasGroupState: false },
});
