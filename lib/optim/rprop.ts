/** Rprop: torch.optim.Rprop's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { CAPTURABLE_OPTION, DIFFERENTIABLE_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema, pythonNumber } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

/** PyTorch's check: 0 < etaminus < 1 < etaplus. */
function etasCheck(v: [number, number]): string | undefined {
  return v[0] > 0 && v[0] < 1 && v[1] > 1 ? undefined : `Invalid eta values: ${pythonNumber(v[0])}, ${pythonNumber(v[1])}`;
}

export const RPROP_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-2, check: nonNegative('learning rate'), doc: 'learning rate (the initial step size)' },
  etas: { kind: 'pair', default: [0.5, 1.2], check: etasCheck, doc: '(etaminus, etaplus): step size factors on a sign change / no change' },
  step_sizes: { kind: 'pair', default: [1e-6, 50], doc: '(min, max) step size' },
  capturable: CAPTURABLE_OPTION,
  foreach: { kind: 'boolean-or-null', default: null, doc: 'implementation choice (accepted for compatibility; false selects the reference path)' },
  maximize: MAXIMIZE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's: false selects the reference path (torch.optim.Rprop has no fused option)" },
};

export interface RpropOptions {
  lr?: number;
  etas?: [number, number];
  step_sizes?: [number, number];
  capturable?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

/**
 * Rprop (resilient backpropagation), exactly torch.optim.Rprop: per-element step sizes grown or
 * shrunk by the sign of successive gradients.
 *
 * @example
 * const opt = new sg.optim.Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 */
export class Rprop extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: RpropOptions = {}) {
    super(RPROP_INFO, params, options as Record<string, unknown>);
  }
}

/** Rprop's record (see OptimizerInfo). */
export const RPROP_INFO = defineOptimizer({
  name: 'Rprop',
  cls: Rprop,
  schema: RPROP_OPTIONS,
  description: 'Resilient backpropagation: per-element step sizes, grown while the gradient keeps its sign and shrunk when it flips.',
  reference: 'torch.optim.Rprop',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
