import { Callback, Phase, PHASE_EVENTS, PhaseContext } from '../callbacks';

export interface SteppableScheduler {
  step(metric?: number): void;
  stateDict(): unknown;
  loadStateDict(state: Record<string, unknown>): void;
}

/**
 * Runs a PyTorch-style scheduler at a phase once warm-up is over (§10.6): with a metric from
 * the context when `metricName` is given.
 */
export class LRSchedulerCallback extends Callback {
  constructor(readonly scheduler: SteppableScheduler, readonly phase: Phase, readonly metricName: string | null = null) {
    super();
    const event = PHASE_EVENTS[phase];
    if (!event) throw new RangeError(`unknown phase '${String(phase)}' for the LR scheduler; known: ${Object.keys(PHASE_EVENTS).join(', ')}`);
    (this as unknown as Record<string, (ctx: PhaseContext) => void>)[event] = (ctx: PhaseContext) => this.call(ctx);
  }

  call(ctx: PhaseContext): void {
    if (ctx.lrWarmupEpochs > ctx.epoch) return;
    if (this.metricName === null) {
      this.scheduler.step();
    } else if (ctx.metrics && this.metricName in ctx.metrics) {
      this.scheduler.step(ctx.metrics[this.metricName]);
    } else {
      throw new Error(`LR scheduler metric '${this.metricName}' is not among the metrics of this phase: ${Object.keys(ctx.metrics ?? {}).join(', ') || '(none)'}`);
    }
  }

  stateDict(): unknown {
    return this.scheduler.stateDict();
  }

  loadStateDict(state: Record<string, unknown>): void {
    this.scheduler.loadStateDict(state);
  }
}
