/** Adadelta: torch.optim.Adadelta's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { CAPTURABLE_OPTION, DIFFERENTIABLE_OPTION, FOREACH_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema, pythonNumber } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const ADADELTA_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1.0, check: nonNegative('learning rate'), doc: 'coefficient that scales delta before it is applied' },
  rho: {
    kind: 'number',
    default: 0.9,
    check: (v: number) => (v >= 0 && v <= 1 ? undefined : `Invalid rho value: ${pythonNumber(v)}`),
    doc: 'running-average coefficient of the squared gradients and deltas',
  },
  eps: { kind: 'number', default: 1e-6, check: nonNegative('epsilon value'), doc: 'added inside both square roots' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'L2 penalty' },
  foreach: FOREACH_OPTION,
  capturable: CAPTURABLE_OPTION,
  maximize: MAXIMIZE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's path choice (torch.optim.Adadelta has no fused option): false selects the reference path" },
};

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weight_decay?: number;
  foreach?: boolean | null;
  capturable?: boolean;
  maximize?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

/**
 * Adadelta, exactly torch.optim.Adadelta.
 *
 * @example
 * const opt = new sg.optim.Adadelta(model.parameters(), { lr: 1.0, rho: 0.9 });
 */
export class Adadelta extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: AdadeltaOptions = {}) {
    super(ADADELTA_INFO, params, options as Record<string, unknown>);
  }
}

/** Adadelta's record (see OptimizerInfo). */
export const ADADELTA_INFO = defineOptimizer({
  name: 'Adadelta',
  cls: Adadelta,
  schema: ADADELTA_OPTIONS,
  description: 'Adadelta: running averages of squared gradients and squared deltas set the step size.',
  reference: 'torch.optim.Adadelta',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
