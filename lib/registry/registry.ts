/**
 * A name → object registry with SuperGradients' lookup: exact key, then the fuzzy match of
 * `fuzzy_str` (drop every character outside [\w|/], then underscores, lowercase; the later key
 * wins a collision), then an error that suggests the nearest name.
 */
import { typeError, unknownNameError } from '../errors';

export interface RegisterOptions {
  /** Replace an existing entry of the same name instead of throwing. */
  override?: boolean;
}

/** SuperGradients' fuzzy_str: `RMSPROP-TF` → `rmsproptf`, `adam_w` → `adamw`. */
export function fuzzyName(name: string): string {
  return name.replace(/[^\w|/]/g, '').replace(/_/g, '').toLowerCase();
}

export class Registry<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly kind: string) {}

  register(name: string, value: T, options: RegisterOptions = {}): void {
    if (typeof name !== 'string' || name.length === 0) throw typeError(`register ${this.kind} name`, 'a non-empty string', name);
    const existing = this.entries.get(name);
    if (existing !== undefined && existing !== value && !options.override) {
      throw new Error(`${this.kind} '${name}' is already registered; pass {override: true} to replace it`);
    }
    this.entries.set(name, value);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Exact, then fuzzy; undefined when neither matches. */
  find(name: string): T | undefined {
    const exact = this.entries.get(name);
    if (exact !== undefined) return exact;
    const wanted = fuzzyName(name);
    let found: T | undefined;
    for (const [key, value] of this.entries) if (fuzzyName(key) === wanted) found = value;
    return found;
  }

  /**
   * Like find(), but an unknown name throws "unknown <kind> 'X'; did you mean 'Y'? known: ...".
   * Both errors carry `path`: the field that held the name ('training_params.loss'), where the
   * caller knows it, else the registry's kind.
   */
  get(name: string, path: string = this.kind): T {
    if (typeof name !== 'string') throw typeError(path, 'a name (string)', name);
    const found = this.find(name);
    if (found === undefined) throw unknownNameError(this.kind, name, this.names(), path);
    return found;
  }

  /** The registered name of a value, if any. */
  nameOf(value: T): string | undefined {
    for (const [key, v] of this.entries) if (v === value) return key;
    return undefined;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClass = abstract new (...args: any[]) => unknown;

/**
 * Makes a register function usable as a call `register('Name', Cls)` and as a class decorator
 * `@register()` / `@register('Name')` (standard and legacy decorators alike).
 */
export function makeRegister<C>(registry: Registry<C>) {
  function register<T extends AnyClass>(name: string, cls: T, options?: RegisterOptions): T;
  function register(name?: string, options?: RegisterOptions): <T extends AnyClass>(cls: T, context?: unknown) => T;
  function register(name?: string, clsOrOptions?: AnyClass | RegisterOptions, maybeOptions?: RegisterOptions): unknown {
    if (typeof clsOrOptions === 'function') {
      registry.register(name ?? clsOrOptions.name, clsOrOptions as unknown as C, maybeOptions);
      return clsOrOptions;
    }
    const options = clsOrOptions;
    return <T extends AnyClass>(cls: T): T => {
      if (typeof cls !== 'function') throw typeError(`register ${registry.kind}`, 'a class', cls);
      registry.register(name ?? cls.name, cls as unknown as C, options);
      return cls;
    };
  }
  return register;
}
