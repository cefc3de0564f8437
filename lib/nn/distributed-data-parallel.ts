/**
 * torch.nn.parallel.DistributedDataParallel over the default process group: at wrap time the
 * parameters and buffers of rank 0 are broadcast to every rank; every backward() then averages
 * the gradients across ranks, in buckets, inside backward itself, overlapping it as PyTorch's
 * c10d Reducer does (native/distributed/gradient_reducer.cc): after each forward a post hook
 * goes on every parameter's AccumulateGrad node, and as soon as every gradient of a bucket is
 * accumulated that bucket's allreduce starts (in bucket order, the same on every rank) while
 * backward goes on; a final callback on LibTorch's autograd engine starts what is left, waits
 * and writes the averages into `.grad`. So after `loss.backward()` every rank holds the same
 * averaged `.grad`, and the same optimizer step keeps the replicas identical.
 */
import { isInitialized } from '../distributed/process-group';
import { broadcast } from '../distributed/collectives';
import { expectBoolean, expectNumber, isPlainObject, rangeError, typeError, unknownNameError } from '../errors';
import { native } from '../native';
import { noGrad } from '../tensor/grad-mode';
import { Module } from './module';

export interface DistributedDataParallelOptions {
  /** Size of a gradient bucket in MiB (PyTorch's bucket_cap_mb, default 25). */
  bucketCapMb?: number;
  /** Broadcast rank 0's buffers (BatchNorm's running statistics) before each forward in training mode (default true, as PyTorch). */
  broadcastBuffers?: boolean;
}

const OPTION_KEYS = ['bucketCapMb', 'broadcastBuffers'];

/**
 * Wraps `module` for data-parallel training. Call sg.distributed.initProcessGroup() first; every
 * rank must wrap the same architecture. `forward` delegates to the module; `parameters()` are the
 * module's (named `module.<name>`, as PyTorch's).
 *
 * @example
 * sg.distributed.initProcessGroup({ backend: 'gloo' });
 * const ddp = new sg.nn.DistributedDataParallel(model);
 * ddp.call(x).sub(y).pow(2).mean().backward(); // .grad is now the average over the ranks
 * optimizer.step();
 */
export class DistributedDataParallel extends Module {
  /** The wrapped module (PyTorch's `.module`). */
  readonly module: Module;
  readonly #reducer: number;
  readonly #broadcastBuffers: boolean;

  constructor(module: Module, options: DistributedDataParallelOptions = {}) {
    super();
    if (!(module instanceof Module)) throw typeError('DistributedDataParallel(module)', 'an nn.Module', module);
    if (!isPlainObject(options)) throw typeError('DistributedDataParallel(options)', 'an options object', options);
    for (const k of Object.keys(options)) if (!OPTION_KEYS.includes(k)) throw unknownNameError('DistributedDataParallel option', k, OPTION_KEYS, k);
    const capMb = expectNumber('bucketCapMb', options.bucketCapMb ?? 25);
    if (!(capMb > 0) || !Number.isFinite(capMb)) throw rangeError('bucketCapMb', `bucketCapMb must be a positive number of MiB, got ${capMb}`);
    this.#broadcastBuffers = expectBoolean('broadcastBuffers', options.broadcastBuffers ?? true);
    if (!isInitialized()) throw new Error('DistributedDataParallel needs the default process group: call sg.distributed.initProcessGroup() first');
    this.module = module;
    // Every replica starts from rank 0's state, as PyTorch's _sync_module_states.
    noGrad(() => {
      for (const t of [...module.parameters(), ...module.buffers()]) broadcast(t, { src: 0 });
    });
    const params = module.parameters().filter((p) => p.requiresGrad);
    this.#reducer = native.ddpAttach(
      params.map((p) => p._h),
      capMb * 1024 * 1024,
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(...inputs: any[]): any {
    if (this.training) this.syncBuffers();
    const out = this.module.forward(...inputs);
    // The graph just built holds the parameters' AccumulateGrad nodes: hook them now (PyTorch's
    // prepare_for_backward), so that buckets start during backward.
    native.ddpPrepare(this.#reducer);
    return out;
  }

  /** Copies rank 0's buffers (BatchNorm's running statistics) to every rank, as forward does in training mode; nothing when broadcastBuffers is false. */
  syncBuffers(): void {
    if (!this.#broadcastBuffers) return;
    const buffers = this.module.buffers();
    if (buffers.length > 0) noGrad(() => buffers.forEach((b) => broadcast(b, { src: 0 })));
  }

  /**
   * Runs `fn` with gradient averaging off (PyTorch's no_sync()): backward passes inside it only
   * accumulate local gradients; the next backward outside averages the accumulated ones.
   */
  noSync<T>(fn: () => T): T {
    native.ddpSetRequireSync(this.#reducer, false);
    try {
      return fn();
    } finally {
      native.ddpSetRequireSync(this.#reducer, true);
    }
  }

  /** The gradient buckets, as indices into the module's trainable parameters (last parameters first, as PyTorch assigns them). */
  get buckets(): number[][] {
    return native.ddpInfo(this.#reducer).buckets;
  }

  /** How many backward passes have had their gradients averaged. */
  get reducedPasses(): number {
    return native.ddpInfo(this.#reducer).passes;
  }

  /**
   * The last averaged backward pass: buckets whose allreduce started during backward, and AccumulateGrad hook calls.
   *
   * `bucketsLaunchedInBackward` counts the buckets started as their last gradient was
   * accumulated, before the pass ended: `buckets.length` when every parameter got its gradient
   * through a forward of this wrapper (the others start when backward ends).
   * `gradientHookCalls` counts the post hooks of the parameters' AccumulateGrad nodes: one per
   * parameter that got a gradient, even one used several times in the graph.
   */
  get lastPassStats(): { bucketsLaunchedInBackward: number; gradientHookCalls: number } {
    const { bucketsLaunchedInBackward, gradientHookCalls } = native.ddpInfo(this.#reducer);
    return { bucketsLaunchedInBackward, gradientHookCalls };
  }

  /** Removes the gradient hooks: later backward passes stay local. */
  detachHooks(): void {
    native.ddpDetach(this.#reducer);
  }
}

/** The module a DistributedDataParallel wraps, or `model` itself (SG's unwrap_model). */
export function unwrapModel(model: Module): Module {
  return model instanceof DistributedDataParallel ? model.module : model;
}
