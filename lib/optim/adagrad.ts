/** Adagrad: torch.optim.Adagrad's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { DIFFERENTIABLE_OPTION, FOREACH_OPTION, FUSED_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const ADAGRAD_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-2, check: nonNegative('learning rate'), doc: 'learning rate' },
  lr_decay: { kind: 'number', default: 0, check: nonNegative('lr_decay value'), doc: 'learning rate decay: lr / (1 + (step − 1)·lr_decay)' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'L2 penalty' },
  initial_accumulator_value: {
    kind: 'number',
    default: 0,
    check: nonNegative('initial_accumulator_value value'),
    doc: "starting value of the sum of squares (the optimizer's, as PyTorch: a group's own value is not used)",
  },
  eps: { kind: 'number', default: 1e-10, check: nonNegative('epsilon value'), doc: 'added to the denominator' },
  foreach: FOREACH_OPTION,
  maximize: MAXIMIZE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
  fused: FUSED_OPTION,
};

export interface AdagradOptions {
  lr?: number;
  lr_decay?: number;
  weight_decay?: number;
  initial_accumulator_value?: number;
  eps?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

/**
 * Adagrad, exactly torch.optim.Adagrad: every parameter's state (step 0, `sum` filled with
 * initial_accumulator_value) exists from construction, as PyTorch creates it in `__init__`.
 *
 * @example
 * const opt = new sg.optim.Adagrad(model.parameters(), { lr: 0.01, lr_decay: 1e-4 });
 */
export class Adagrad extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: AdagradOptions = {}) {
    super(ADAGRAD_INFO, params, options as Record<string, unknown>);
  }
}

/** Adagrad's record (see OptimizerInfo). */
export const ADAGRAD_INFO = defineOptimizer({
  name: 'Adagrad',
  cls: Adagrad,
  schema: ADAGRAD_OPTIONS,
  description: 'Adagrad: steps scaled by the root of the summed squared gradients; lr_decay optional.',
  reference: 'torch.optim.Adagrad',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
