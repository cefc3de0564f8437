/**
 * `Module` as in PyTorch: parameters (tensors made by `nn.Parameter`), buffers and submodules
 * are registered by assigning them to properties (or explicitly), and found again in property
 * order: own parameters first, then each child's, with PyTorch's dotted names.
 */
import { isPlainObject, typeError } from '../errors';
import { Device, Dtype, DTYPES, isFloatingDtype } from '../tensor/dtype';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { isParameter, Parameter } from './parameter';

export abstract class Module {
  /** Training mode (dropout active, batch-norm statistics updated). */
  training = true;
  readonly #buffers = new Set<string>();

  /**
   * The computation; subclasses define it with their own signature. Typed as PyTorch types
   * `forward` (any arguments, any result), so a `Module` can be handed to the Trainer and
   * `module.call(x)` to code that expects a Tensor.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  abstract forward(...inputs: any[]): any;

  /** Same as forward(); reads like PyTorch's `model(x)`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(...inputs: any[]): any {
    return this.forward(...inputs);
  }

  registerParameter(name: string, value: Tensor | null): void {
    (this as unknown as Record<string, unknown>)[name] = value === null || isParameter(value) ? value : Parameter(value);
  }

  /** A tensor that is part of the state (saved in stateDict) but not trained, e.g. running_mean. */
  registerBuffer(name: string, value: Tensor | null): void {
    this.#buffers.add(name);
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  registerModule(name: string, module: Module | null): void {
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** @internal */
  protected isBufferName(name: string): boolean {
    return this.#buffers.has(name);
  }

  /** Own parameters, in property order. */
  protected ownParameters(): Array<[string, Tensor]> {
    return Object.entries(this).filter((e): e is [string, Tensor] => isParameter(e[1]));
  }

  /** Own buffers, in property order. */
  protected ownBuffers(): Array<[string, Tensor]> {
    return Object.entries(this).filter((e): e is [string, Tensor] => this.#buffers.has(e[0]) && e[1] instanceof Tensor);
  }

  namedChildren(): Array<[string, Module]> {
    return Object.entries(this).filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** Every module in the tree (this one as ''), depth first, each once. */
  namedModules(prefix = '', memo: Set<Module> = new Set()): Array<[string, Module]> {
    if (memo.has(this)) return [];
    memo.add(this);
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, memo));
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * `[name, parameter]` pairs with PyTorch's names (`backbone.0.weight`), shared ones once.
   */
  namedParameters(prefix = '', recurse = true): Array<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const out: Array<[string, Tensor]> = [];
    const modules: Array<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, module] of modules) {
      for (const [name, p] of module.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([modName ? `${modName}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = '', recurse = true): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    const modules: Array<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, module] of modules) {
      for (const [name, b] of module.ownBuffers()) out.push([modName ? `${modName}.${name}` : name, b]);
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Sets training mode on this module and every submodule. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw typeError('train(mode)', 'a boolean', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every module (children first, as PyTorch's apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) p.grad = null;
      else g.zero_();
    }
  }

  /**
   * Moves/casts parameters and buffers in place (floating ones only for a dtype), keeping the
   * tensor objects, so an optimizer built earlier still holds them.
   */
  to(target: Dtype | Device | { dtype?: Dtype; device?: Device }): this {
    const spec = typeof target === 'string' ? ((DTYPES as readonly string[]).includes(target) ? { dtype: target as Dtype } : { device: target as Device }) : target;
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        const s = isFloatingDtype(t.dtype) ? spec : { device: spec.device };
        if (s.dtype === undefined && s.device === undefined) continue;
        t._setData(t.to(s));
        const g = t.grad;
        if (g !== null) t.grad = g.to(s);
      }
    });
    return this;
  }

  /** Parameters and buffers by dotted name (live tensors, as PyTorch returns them). */
  stateDict(options: { keepVars?: boolean } = {}): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    // As PyTorch's state_dict(keep_vars=False): detached tensors sharing the parameters' storage
    // (values stay live, autograd history does not come along); keepVars gives the parameters.
    const keep = options.keepVars === true;
    for (const [name, module] of this.namedModules()) {
      const prefix = name ? `${name}.` : '';
      for (const [k, p] of module.ownParameters()) out[prefix + k] = keep ? p : p.detach();
      for (const [k, b] of module.ownBuffers()) out[prefix + k] = keep ? b : b.detach();
    }
    return out;
  }

  /**
   * Copies values from `stateDict` into this module's tensors. Checks everything first (missing
   * and unexpected keys when strict, shapes always); on any problem it throws and changes nothing.
   */
  loadStateDict(stateDict: Record<string, Tensor>, options: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    if (!isPlainObject(stateDict)) throw typeError('loadStateDict(stateDict)', 'an object of tensors', stateDict);
    const strict = options.strict ?? true;
    const own = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(own).filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !(k in own));
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    if (strict && unexpectedKeys.length) problems.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    for (const [k, target] of Object.entries(own)) {
      if (!(k in stateDict)) continue;
      const src = stateDict[k];
      if (!(src instanceof Tensor)) {
        problems.push(`Expected a Tensor for "${k}" but received ${typeof src}.`);
        continue;
      }
      if (src.shape.join() !== target.shape.join()) {
        problems.push(`size mismatch for ${k}: copying a param with shape [${src.shape.join(', ')}] from checkpoint, the shape in current model is [${target.shape.join(', ')}].`);
      }
    }
    if (problems.length) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${problems.join('\n\t')}`);
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) if (k in stateDict) target.copy_(stateDict[k]);
    });
    return { missingKeys, unexpectedKeys };
  }
}
