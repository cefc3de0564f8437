import { NativeOptimizer } from './native-optimizer';
import { betasCheck, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';

export const LION_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-4, check: nonNegative('learning rate'), doc: 'learning rate' },
  betas: { kind: 'pair', default: [0.9, 0.99], check: betasCheck, doc: 'interpolation / running-average coefficients' },
  weight_decay: { kind: 'number', default: 0, doc: 'decoupled weight decay (p ← p·(1 − lr·wd))' },
  foreach: { kind: 'boolean-or-null', default: null, doc: 'implementation choice (accepted for compatibility)' },
  fused: { kind: 'boolean-or-null', default: null, doc: 'false selects the reference path' },
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
    super('Lion', LION_OPTIONS, params, options as Record<string, unknown>);
  }
}
