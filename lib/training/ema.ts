/**
 * SuperGradients' ModelEMA: an exponential moving average of the model's floating-point
 * state (parameters and buffers), with SG's decay schedules (`decay_type` constant, threshold,
 * exp with `beta`). Validation can run on the averaged weights.
 */
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { isFloatingDtype } from '../tensor/dtype';

export interface EmaModel {
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>, options?: { strict?: boolean }): void;
}

export interface EmaParams {
  decay?: number;
  decay_type?: 'constant' | 'threshold' | 'exp';
  beta?: number;
}

export class ModelEMA {
  readonly decay: number;
  readonly decayType: string;
  readonly beta: number;
  /** The averaged state, same keys as the model's stateDict(). */
  state: Record<string, Tensor>;

  constructor(model: EmaModel, params: EmaParams = {}) {
    this.decay = params.decay ?? 0.9999;
    this.decayType = params.decay_type ?? 'exp';
    this.beta = params.beta ?? 15;
    if (!['constant', 'threshold', 'exp'].includes(this.decayType)) {
      throw new RangeError(`unknown ema_params.decay_type '${this.decayType}'; known: constant, threshold, exp`);
    }
    this.state = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.detach().clone()]));
  }

  /** The decay used at `step` of `totalSteps`. */
  decayAt(step: number, totalSteps: number): number {
    if (this.decayType === 'constant') return this.decay;
    if (this.decayType === 'threshold') return Math.min(this.decay, (1 + step) / (10 + step));
    return this.decay * (1 - Math.exp(-(step / totalSteps) * this.beta));
  }

  update(model: EmaModel, step: number, totalSteps: number): void {
    const d = this.decayAt(step, totalSteps);
    const current = model.stateDict();
    noGrad(() => {
      for (const [key, ema] of Object.entries(this.state)) {
        const value = current[key];
        // As SG's ModelEMA: only floating entries are averaged; integer buffers
        // (num_batches_tracked) keep the value they had when the EMA was made.
        if (!value || !isFloatingDtype(ema.dtype)) continue;
        ema.mul_(d).add_(value.detach(), { alpha: 1 - d });
      }
    });
  }

  /** Runs `fn` with the averaged weights loaded into `model`, then puts the trained ones back. */
  withAveragedWeights<T>(model: EmaModel, fn: () => T): T {
    const trained = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.detach().clone()]));
    model.loadStateDict(this.state);
    try {
      return fn();
    } finally {
      model.loadStateDict(trained);
    }
  }
}
