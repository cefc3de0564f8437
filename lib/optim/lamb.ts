/** Lamb: SuperGradients' (timm's) Lamb; options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { FOREACH_OPTION, FUSED_OPTION, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const LAMB_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-3, doc: 'learning rate' },
  bias_correction: { kind: 'boolean', default: true, doc: 'Adam bias correction' },
  betas: { kind: 'pair', default: [0.9, 0.999], doc: 'running-average coefficients' },
  eps: { kind: 'number', default: 1e-6, doc: 'added to the denominator' },
  weight_decay: { kind: 'number', default: 0.01, doc: 'weight decay added to the update; 0 also disables the trust ratio' },
  grad_averaging: { kind: 'boolean', default: true, doc: 'scale the gradient by 1 − beta1 in the first moment' },
  max_grad_norm: { kind: 'number-or-null', default: 1.0, doc: 'global gradient clipping (the optimizer default is used); null disables' },
  trust_clip: { kind: 'boolean', default: false, doc: 'clip the trust ratio at 1 (LAMBC)' },
  always_adapt: { kind: 'boolean', default: false, doc: 'apply the trust ratio even where weight_decay is 0' },
  foreach: FOREACH_OPTION,
  fused: FUSED_OPTION,
};

export interface LambOptions {
  lr?: number;
  bias_correction?: boolean;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  grad_averaging?: boolean;
  max_grad_norm?: number | null;
  trust_clip?: boolean;
  always_adapt?: boolean;
  foreach?: boolean | null;
  fused?: boolean | null;
}

/**
 * SuperGradients' Lamb (timm's NVLamb-like variant): global gradient clipping, Adam moments with
 * bias correction, layer-wise trust ratio where weight_decay != 0.
 *
 * @example
 * const opt = new sg.optim.Lamb(model.parameters(), { lr: 5e-3, weight_decay: 0.02 });
 */
export class Lamb extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: LambOptions = {}) {
    super(LAMB_INFO, params, options as Record<string, unknown>);
  }
}

/** Lamb's record (see OptimizerInfo): its step counter is kept per group. */
export const LAMB_INFO = defineOptimizer({
  name: 'Lamb',
  cls: Lamb,
  schema: LAMB_OPTIONS,
  description: 'Layer-wise adaptive large-batch Adam: global gradient clipping, bias-corrected moments, trust ratio where weight_decay != 0.',
  reference: "super_gradients.training.utils.optimizers.Lamb (timm's Lamb)",
  sgDefaults: {},
  flags: { stepAsTensor: false, hasGroupState: true },
  repeatedParams: { refusedWhileSet: 'max_grad_norm' },
});
