/** Lion: SuperGradients' Lion; options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { betasCheck, FOREACH_OPTION, FUSED_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const LION_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-4, check: nonNegative('learning rate'), doc: 'learning rate' },
  betas: { kind: 'pair', default: [0.9, 0.99], check: betasCheck, doc: 'interpolation / running-average coefficients' },
  weight_decay: { kind: 'number', default: 0, doc: 'decoupled weight decay (p ← p·(1 − lr·wd))' },
  foreach: FOREACH_OPTION,
  fused: FUSED_OPTION,
};

export interface LionOptions {
  lr?: number;
  betas?: [number, number];
  weight_decay?: number;
  foreach?: boolean | null;
  fused?: boolean | null;
}

/**
 * Lion (EvoLved Sign Momentum), as SuperGradients' class.
 *
 * @example
 * const opt = new sg.optim.Lion(model.parameters(), { lr: 1e-4, weight_decay: 0.1 });
 */
export class Lion extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: LionOptions = {}) {
    super(LION_INFO, params, options as Record<string, unknown>);
  }
}

/** Lion's record (see OptimizerInfo). */
export const LION_INFO = defineOptimizer({
  name: 'Lion',
  cls: Lion,
  schema: LION_OPTIONS,
  description: 'EvoLved Sign Momentum: sign of an interpolated momentum, decoupled weight decay.',
  reference: 'super_gradients.training.utils.optimizers.Lion',
  sgDefaults: {},
  flags: { stepAsTensor: false, hasGroupState: false },
});
