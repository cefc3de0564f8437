/**
 * LRCallbackBase (spec §10.3, HEAD semantics) plus the seed's protocol (decisions.md): when the
 * model has updateParamGroups, every LR update goes through it (legacy §10.7) and its return
 * value becomes the optimizer's groups.
 */
import { isPlainObject, typeError } from '../../errors';
import { LrParamGroup, Phase, PhaseCallback, PhaseContext } from '../callbacks';

/** Everything an LR callback is built with (SG passes every training param too). */
export interface LrCallbackArgs {
  initialLr: number | Record<string, number>;
  trainLoaderLen: number;
  trainingParams: Record<string, unknown>;
  net?: unknown;
}

interface ProtocolNet {
  updateParamGroups(groups: LrParamGroup[], lr: number, epoch: number, iter: number | null, trainingParams: Record<string, unknown>, totalBatch: number): LrParamGroup[];
}

function hasProtocol(net: unknown): net is ProtocolNet {
  return net !== null && typeof net === 'object' && typeof (net as ProtocolNet).updateParamGroups === 'function';
}

export abstract class LRCallbackBase extends PhaseCallback {
  /** initial_lr per group name ({default: lr} for a number). */
  readonly initialLr: Record<string, number>;
  /** The LR this callback last computed, per group name. */
  lr: Record<string, number>;
  readonly trainLoaderLen: number;
  readonly trainingParams: Record<string, unknown>;
  readonly net: unknown;

  constructor(phase: Phase, args: LrCallbackArgs) {
    super(phase);
    const lr = args.initialLr;
    if (typeof lr === 'number') this.initialLr = { default: lr };
    else if (isPlainObject(lr)) this.initialLr = { ...(lr as Record<string, number>) };
    else throw typeError('initial_lr', 'a number or a {default, <prefix>: lr} mapping', lr);
    this.lr = { ...this.initialLr };
    this.trainLoaderLen = args.trainLoaderLen;
    this.trainingParams = args.trainingParams;
    this.net = args.net;
  }

  call(ctx: PhaseContext): void {
    if (this.isLrSchedulingEnabled(ctx)) this.performScheduling(ctx);
  }

  abstract isLrSchedulingEnabled(ctx: PhaseContext): boolean;
  abstract performScheduling(ctx: PhaseContext): void;

  /** Writes `this.lr` into the optimizer's groups (by group name), or through the model's protocol. */
  updateLr(optimizer: { paramGroups: LrParamGroup[] }, epoch: number, batchIdx: number | null): void {
    if (hasProtocol(this.net)) {
      const scalar = this.lr.default ?? Object.values(this.lr)[0];
      const groups = this.net.updateParamGroups(optimizer.paramGroups, scalar, epoch, batchIdx, this.trainingParams, this.trainLoaderLen);
      if (!Array.isArray(groups)) throw typeError('model.updateParamGroups() result', 'an array of param groups', groups);
      optimizer.paramGroups = groups;
      return;
    }
    for (const group of optimizer.paramGroups) {
      const name = group.name ?? 'default';
      if (!(name in this.lr)) {
        throw new Error(`param group '${name}' has no learning rate in initial_lr; known group names: ${Object.keys(this.lr).join(', ')}`);
      }
      group.lr = this.lr[name];
    }
  }
}
