/** AdamW: torch.optim.AdamW's options, class and record. */
import { adamOptions, AdamOptions } from './adam';
import { NativeOptimizer } from './native-optimizer';
import { OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

/** torch.optim.AdamW's options: Adam's, with weight_decay 1e-2 by default. */
export const ADAMW_OPTIONS: OptionSchema = adamOptions(1e-2);

/**
 * Adam with decoupled weight decay, exactly torch.optim.AdamW.
 *
 * @example
 * const opt = new sg.optim.AdamW(model.parameters(), { lr: 1e-3, weight_decay: 0.05 });
 */
export class AdamW extends NativeOptimizer {
  // torch.optim.AdamW takes no decoupled_weight_decay (it is always true there).
  constructor(params: ParamsOrGroups, options: Omit<AdamOptions, 'decoupled_weight_decay'> = {}) {
    super(ADAMW_INFO, params, options as Record<string, unknown>);
  }
}

/** AdamW's record (see OptimizerInfo). SuperGradients adds no defaults for it. */
export const ADAMW_INFO = defineOptimizer({
  name: 'AdamW',
  cls: AdamW,
  schema: ADAMW_OPTIONS,
  description: 'Adam with decoupled weight decay (p ← p·(1 − lr·wd)).',
  reference: 'torch.optim.AdamW',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
