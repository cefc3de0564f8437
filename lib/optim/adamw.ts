import { adamOptions, AdamOptions } from './adam';
import { NativeOptimizer } from './native-optimizer';
import { OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';

/** torch.optim.AdamW's options: Adam's, with weight_decay 1e-2 by default. */
export const ADAMW_OPTIONS: OptionSchema = adamOptions(1e-2);

/**
 * Adam with decoupled weight decay, exactly torch.optim.AdamW.
 *
 * @example
 * const opt = new sg.optim.AdamW(model.parameters(), { lr: 1e-3, weight_decay: 0.05 });
 */
export class AdamW extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: AdamOptions = {}) {
    super('AdamW', ADAMW_OPTIONS, params, options as Record<string, unknown>);
  }
}
