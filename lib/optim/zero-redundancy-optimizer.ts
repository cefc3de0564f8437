/**
 * ZeRO-1 (torch.distributed.optim.ZeroRedundancyOptimizer): the optimizer state is sharded across
 * the ranks of the default process group. The parameters are partitioned as PyTorch does it
 * (per group, largest first, each to the rank with the fewest elements so far), each rank builds
 * the real optimizer over its own shard only and steps it, then every parameter is broadcast from
 * the rank that owns it. Each rank therefore holds about 1/N of the optimizer state.
 */
import { isPlainObject, typeError } from '../errors';
import { broadcast, allGather } from '../distributed/collectives';
import { getRank, getWorldSize, isInitialized } from '../distributed/process-group';
import { full, tensor } from '../tensor/creation';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { Lamb, LAMB_OPTIONS } from './lamb';
import { validateOptions } from './option-schema';
import { LBFGS } from './lbfgs';
import { Closure, Optimizer, OptimizerStateDict, ParamGroup, ParamsOrGroups } from './optimizer';
import { createOptimizer, OptimizerClass, resolveOptimizer } from './registry';

/** Bytes per element of the dtypes optimizer state can have. */
const ELEMENT_BYTES: Record<string, number> = { float64: 8, float32: 4, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

/** A state dict's tensors replaced by `{__tensor: k}` (k: the index in `tensors`), so the rest is JSON. */
function flatten(value: unknown, tensors: Tensor[]): unknown {
  if (value instanceof Tensor) {
    tensors.push(value);
    return { __tensor: tensors.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => flatten(v, tensors));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flatten(v, tensors)]));
  return value;
}

function unflatten(value: unknown, tensors: Tensor[]): unknown {
  if (Array.isArray(value)) return value.map((v) => unflatten(v, tensors));
  if (isPlainObject(value)) {
    if (typeof value.__tensor === 'number') return tensors[value.__tensor];
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unflatten(v, tensors)]));
  }
  return value;
}

/**
 * Every rank's `value` (a state dict: JSON plus tensors), in rank order, over the process group's
 * tensor collectives: the JSON part (with each tensor's shape and dtype) by allGather, then each
 * tensor broadcast from its rank. Every rank must call it (as torch's consolidate_state_dict).
 */
function gatherObjects(value: unknown): unknown[] {
  const tensors: Tensor[] = [];
  const meta = { value: flatten(value, tensors), tensors: tensors.map((t) => ({ shape: t.shape, dtype: t.dtype })) };
  const bytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const lengths = allGather(tensor([bytes.length], { dtype: 'int64' })).map((t) => Number(t.item()));
  const padded = new Uint8Array(Math.max(...lengths));
  padded.set(bytes);
  const gathered = allGather(tensor(padded, { dtype: 'uint8' }));
  const rank = getRank();
  return gathered.map((t, r) => {
    const text = Buffer.from((t.toTypedArray() as Uint8Array).subarray(0, lengths[r])).toString('utf8');
    const theirs = JSON.parse(text) as { value: unknown; tensors: Array<{ shape: number[]; dtype: string }> };
    const received = theirs.tensors.map((info, k) => {
      const buf = r === rank ? tensors[k].detach().clone() : full(info.shape, 0, { dtype: info.dtype as never });
      broadcast(buf, { src: r });
      return buf;
    });
    return unflatten(theirs.value, received);
  });
}

/** The options of a group (everything but its parameters). */
function optionsOf(group: ParamGroup): Record<string, unknown> {
  const { params: _params, ...options } = group;
  return options;
}

/**
 * torch.distributed.optim.ZeroRedundancyOptimizer: wraps an optimizer class so that each rank
 * keeps the state of its shard of the parameters only. Needs the default process group
 * (sg.distributed.initProcessGroup); every rank must construct it with the same parameters.
 *
 * @example
 * sg.distributed.initProcessGroup({ backend: 'gloo' });
 * const ddp = new sg.nn.DistributedDataParallel(model);
 * const opt = new sg.optim.ZeroRedundancyOptimizer(ddp.parameters(), 'AdamW', { lr: 1e-3 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 * opt.consolidateStateDict(0); // on every rank
 * if (sg.distributed.getRank() === 0) save(opt.stateDict()); // the unsharded optimizer's layout
 */
export class ZeroRedundancyOptimizer extends Optimizer {
  /** The optimizer this rank steps, over its shard only. */
  readonly optim: Optimizer;
  /** The wrapped optimizer's class. */
  readonly optimizerClass: OptimizerClass;
  readonly rank: number;
  readonly worldSize: number;
  /** `partition[r][g]`: the parameters of group g that rank r owns. */
  #partition: Tensor[][][] = [];
  /**
   * Lamb's max_grad_norm (its global clipping), applied here over every parameter (each rank
   * has every gradient) because the shard optimizer sees only its own; null when not clipping.
   */
  #lambMaxGradNorm: number | null = null;
  /** Every rank's state dict after consolidateStateDict(), on the rank it was consolidated to. */
  #consolidated: OptimizerStateDict[] | null = null;

  constructor(params: ParamsOrGroups, optimizerClass: string | OptimizerClass, options: Record<string, unknown> = {}) {
    if (!isInitialized()) throw new Error('ZeroRedundancyOptimizer needs the default process group: call sg.distributed.initProcessGroup() first');
    const Cls = resolveOptimizer(optimizerClass);
    if (Cls === (LBFGS as unknown as OptimizerClass) || Cls.prototype instanceof LBFGS) {
      throw new Error(
        `ZeroRedundancyOptimizer cannot shard ${Cls.name}: LBFGS keeps one history over all its parameters (a single param group whose directions span every parameter), so its state cannot be split by parameter; use it without ZeRO`,
      );
    }
    if (!isPlainObject(options)) throw typeError('ZeroRedundancyOptimizer(options)', 'an object of optimizer options', options);
    // The groups keep only what the caller gave them: the shard optimizer fills in its defaults.
    super(params, {});
    this.optimizerClass = Cls;
    this.rank = getRank();
    this.worldSize = getWorldSize();
    this.#partition = this.partitionParameters();
    // Each rank builds the optimizer over its own shard (the groups keep their options; a rank
    // may own no parameter of a group: the group is kept, empty, so group indices match).
    const isLamb = Cls === (Lamb as unknown as OptimizerClass) || Cls.prototype instanceof Lamb;
    // Checked here, as Lamb would (its shard optimizer is given null instead).
    if (isLamb) validateOptions(LAMB_OPTIONS, { max_grad_norm: options.max_grad_norm ?? null }, 'optimizer_params', false);
    const lambNorm = isLamb ? (options.max_grad_norm === undefined ? LAMB_OPTIONS.max_grad_norm.default : options.max_grad_norm) : null;
    // Lamb clips by the norm of every gradient: done here, so its shard optimizer does not clip.
    this.optim = createOptimizer(Cls, this.localGroups(this.rank, this.paramGroups), lambNorm === null ? options : { ...options, max_grad_norm: null });
    this.#lambMaxGradNorm = lambNorm as number | null;
    // The shard optimizer filled in its defaults: the groups here take its options, in its order.
    this.defaults = { ...this.optim.defaults, ...(lambNorm === null ? {} : { max_grad_norm: lambNorm }) };
    this.paramGroups = this.paramGroups.map((g, i) => ({ ...this.sharedOptions(this.optim.paramGroups[i]), params: g.params }));
  }

  /**
   * PyTorch's partition: within each group the parameters sorted by size, largest first (a stable
   * sort), each given to the rank holding the fewest elements so far (counted across groups; the
   * lowest rank on ties). Returns `partition[rank][group]`.
   */
  protected partitionParameters(): Tensor[][][] {
    const sizes = new Array<number>(this.worldSize).fill(0);
    const out: Tensor[][][] = Array.from({ length: this.worldSize }, () => []);
    for (const group of this.paramGroups) {
      const perRank: Tensor[][] = Array.from({ length: this.worldSize }, () => []);
      const sorted = [...group.params].sort((a, b) => b.numel() - a.numel());
      for (const p of sorted) {
        let r = 0;
        for (let k = 1; k < this.worldSize; k++) if (sizes[k] < sizes[r]) r = k;
        perRank[r].push(p);
        sizes[r] += p.numel();
      }
      perRank.forEach((ps, r) => out[r].push(ps));
    }
    return out;
  }

  /** The parameters rank `r` owns, group by group. */
  paramsOfRank(r: number): Tensor[][] {
    return this.#partition[r].map((ps) => [...ps]);
  }

  /** Rank r's groups: each group's options with rank r's parameters of it. */
  private localGroups(r: number, groups: ParamGroup[]): ParamGroup[] {
    return groups.map((g, i) => ({ ...optionsOf(g), params: this.#partition[r][i] }));
  }

  /** A shard group's options as the whole optimizer shows them (Lamb's own max_grad_norm, not the disabled one). */
  private sharedOptions(local: ParamGroup): Record<string, unknown> {
    const options = optionsOf(local);
    if (this.#lambMaxGradNorm !== null && 'max_grad_norm' in options) options.max_grad_norm = this.#lambMaxGradNorm;
    return options;
  }

  /** Copies every option of `from`'s groups into `to`'s (lr edits, schedulers), as torch's _sync_param_groups. */
  private syncGroups(from: ParamGroup[], to: ParamGroup[]): void {
    from.forEach((g, i) => {
      for (const [key, value] of Object.entries(optionsOf(g))) if (key !== 'max_grad_norm' || this.#lambMaxGradNorm === null) to[i][key] = value;
    });
  }

  /**
   * Lamb's global clipping over every parameter's gradient, as its step does it (the squared
   * norms summed into a float32 scalar, in parameter order; divided by norm / max_grad_norm where
   * the norm exceeds it), applied to this rank's shard.
   */
  private clipLambGradients(): void {
    const max = this.#lambMaxGradNorm;
    if (max === null) return;
    const grads = this.paramGroups.flatMap((g) => g.params).map((p) => p.grad).filter((g): g is Tensor => g !== null);
    if (grads.length === 0) return;
    const sq = full([1], 0, { dtype: 'float32' }); // [1]-shaped as Lamb's: each float64 sum is rounded to float32 before adding
    for (const g of grads) sq.add_(g.pow(2).sum());
    const norm = sq.sqrt();
    const maxT = full([], max, { dtype: 'float32' });
    if (!(norm.item() as number > (maxT.item() as number))) return;
    const clip = norm.div(maxT);
    for (const ps of this.#partition[this.rank]) for (const p of ps) p.grad?.div_(clip);
  }

  override addParamGroup(group: { params: Tensor[] | Tensor; [option: string]: unknown }): void {
    super.addParamGroup(group);
    // The greedy partition counts sizes in group order: the earlier groups keep their owners.
    this.#partition = this.partitionParameters();
    const last = this.paramGroups.length - 1;
    this.optim.addParamGroup({ ...optionsOf(this.paramGroups[last]), params: this.#partition[this.rank][last] });
    this.paramGroups[last] = { ...this.sharedOptions(this.optim.paramGroups[last]), params: this.paramGroups[last].params };
  }

  /** Steps this rank's shard (the closure, if any, runs once on every rank), then broadcasts each parameter from its owner. */
  step(closure?: Closure): unknown {
    this.syncGroups(this.paramGroups, this.optim.paramGroups);
    let loss: unknown;
    if (this.#lambMaxGradNorm === null) loss = this.optim.step(closure);
    else {
      loss = this.evaluateClosure(closure);
      noGrad(() => this.clipLambGradients());
      this.optim.step();
    }
    this.syncGroups(this.optim.paramGroups, this.paramGroups);
    for (let r = 0; r < this.worldSize; r++) for (const ps of this.#partition[r]) for (const p of ps) broadcast(p, { src: r });
    return loss;
  }

  /** This rank's optimizer state (its shard's parameters only). */
  override get state(): Map<Tensor, Record<string, unknown>> {
    return this.optim === undefined ? new Map() : this.optim.state;
  }
  override set state(_value: Map<Tensor, Record<string, unknown>>) {
    // The base constructor initialises it; the state lives in the shard optimizer.
  }

  /** The wrapped optimizer's rule (Adafactor's factored row_var and col_var have shapes of their own). */
  protected override stateKeyOfOwnShape(key: string): boolean {
    return (this.optim as unknown as { stateKeyOfOwnShape(k: string): boolean }).stateKeyOfOwnShape(key);
  }

  /** Bytes of the state tensors this rank holds (what ZeRO divides by about N). */
  stateBytes(): number {
    let bytes = 0;
    for (const s of Object.values(this.optim.stateDict().state)) {
      for (const v of Object.values(s)) if (v instanceof Tensor) bytes += v.numel() * (ELEMENT_BYTES[v.dtype] ?? 8);
    }
    return bytes;
  }

  /**
   * Gathers every rank's shard state to rank `to` (torch's consolidate_state_dict). A collective:
   * every rank must call it; afterwards stateDict() on rank `to` gives the whole state.
   */
  consolidateStateDict(to = 0): void {
    if (!Number.isInteger(to) || to < 0 || to >= this.worldSize) throw new RangeError(`consolidateStateDict(to): a rank in [0, ${this.worldSize - 1}], got ${String(to)}`);
    this.syncGroups(this.paramGroups, this.optim.paramGroups);
    const all = gatherObjects(this.optim.stateDict()) as OptimizerStateDict[];
    this.#consolidated = this.rank === to ? all : null;
  }

  /**
   * The state in the unsharded optimizer's layout (state by global parameter index, every
   * group), on the rank consolidateStateDict() gathered to; an Error elsewhere or before it.
   */
  override stateDict(): OptimizerStateDict {
    const all = this.#consolidated;
    if (all === null) {
      throw new Error(`ZeroRedundancyOptimizer.stateDict() on rank ${this.rank}: call consolidateStateDict(to) on every rank first, then stateDict() on rank to`);
    }
    const { groups: indices, indexed } = this.paramIndices();
    const indexOf = new Map<Tensor, number>(indexed.map(([i, p]) => [p, i]));
    const state: Record<number, Record<string, unknown>> = {};
    const groupState: Array<Record<string, unknown>> = this.paramGroups.map(() => ({}));
    all.forEach((local, r) => {
      local.param_groups.forEach((lg, g) => {
        const { params: localIndices, ...localOptions } = lg;
        const owned = this.#partition[r][g];
        // Group-level state (Lamb's step) comes from the lowest rank owning part of the group (rank 0's for a group without parameters: every rank steps it).
        if ((owned.length > 0 || this.paramGroups[g].params.length === 0) && Object.keys(groupState[g]).length === 0) {
          for (const [key, value] of Object.entries(localOptions)) if (!(key in this.paramGroups[g])) groupState[g][key] = value;
        }
        localIndices.forEach((li, j) => {
          const s = local.state[li];
          if (s !== undefined) state[indexOf.get(owned[j])!] = s;
        });
      });
    });
    const sortedState: Record<number, Record<string, unknown>> = {};
    for (const i of Object.keys(state).map(Number).sort((a, b) => a - b)) sortedState[i] = state[i];
    const param_groups = this.paramGroups.map((group, g) => ({ ...optionsOf(group), ...groupState[g], params: indices[g] }));
    return { state: sortedState, param_groups };
  }

  /**
   * Loads a whole (unsharded-layout) state dict on every rank: each keeps its shard's state; the
   * group options reach every group. Checked first: on a mismatch nothing changes.
   */
  override loadStateDict(stateDict: OptimizerStateDict): void {
    const { groups, states } = this.checkStateDict(stateDict);
    const stateOf = new Map(states);
    const local: OptimizerStateDict = { state: {}, param_groups: [] };
    let k = 0;
    groups.forEach((group, g) => {
      const saved = (stateDict.param_groups[g] ?? {}) as Record<string, unknown>;
      const { params: _p, ...savedOptions } = saved;
      const ids: number[] = [];
      for (const p of this.#partition[this.rank][g]) {
        const s = stateOf.get(p);
        if (s !== undefined) local.state[k] = s;
        ids.push(k++);
      }
      local.param_groups.push({ ...savedOptions, params: ids });
    });
    this.optim.loadStateDict(local);
    // The shard optimizer took the group options (and kept group-level state, Lamb's step, aside).
    this.paramGroups = groups.map((g, i) => ({ ...this.sharedOptions(this.optim.paramGroups[i]), params: g.params }));
    this.#consolidated = null;
  }
}
