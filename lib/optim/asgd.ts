/** ASGD: torch.optim.ASGD's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { CAPTURABLE_OPTION, DIFFERENTIABLE_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const ASGD_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-2, check: nonNegative('learning rate'), doc: 'learning rate (eta starts here)' },
  lambd: { kind: 'number', default: 1e-4, check: nonNegative('lambd value'), doc: 'decay term' },
  alpha: { kind: 'number', default: 0.75, check: nonNegative('alpha value'), doc: 'power of the eta update' },
  t0: { kind: 'number', default: 1e6, doc: 'the step from which averaging starts' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'L2 penalty' },
  foreach: { kind: 'boolean-or-null', default: null, doc: 'implementation choice (accepted for compatibility; false selects the reference path)' },
  maximize: MAXIMIZE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
  capturable: CAPTURABLE_OPTION,
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's: false selects the reference path (torch.optim.ASGD has no fused option)" },
};

export interface ASGDOptions {
  lr?: number;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weight_decay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
  fused?: boolean | null;
}

/**
 * Averaged SGD, exactly torch.optim.ASGD: eta and mu are recomputed after each step and kept
 * as float32 values, as PyTorch's 0-dim state tensors; `ax` holds the running average.
 *
 * @example
 * const opt = new sg.optim.ASGD(model.parameters(), { lr: 0.01, t0: 100 });
 */
export class ASGD extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: ASGDOptions = {}) {
    super(ASGD_INFO, params, options as Record<string, unknown>);
  }
}

/** ASGD's record (see OptimizerInfo). */
export const ASGD_INFO = defineOptimizer({
  name: 'ASGD',
  cls: ASGD,
  schema: ASGD_OPTIONS,
  description: 'Averaged SGD: a decaying step size eta and a running average ax of the parameters from step t0.',
  reference: 'torch.optim.ASGD',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
