import { typeError } from '../errors';
import { Tensor } from '../tensor/tensor';
import { Module } from './module';

/**
 * Runs its children in order; they are named '0', '1', ... as in PyTorch.
 *
 * @example
 * const mlp = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const entries: Array<[string, unknown]> =
      modules.length === 1 && !(modules[0] instanceof Module) ? Object.entries(modules[0] as Record<string, Module>) : modules.map((m, i) => [String(i), m]);
    for (const [name, m] of entries) {
      if (!(m instanceof Module)) throw typeError(`Sequential[${name}]`, 'a Module', m);
      this.registerModule(name, m);
    }
  }

  get length(): number {
    return this.namedChildren().length;
  }

  at(index: number): Module {
    const children = this.children();
    const m = children[index < 0 ? children.length + index : index];
    if (!m) throw new RangeError(`index ${index} is out of range for a Sequential of ${children.length}`);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  /** Feeds the input through every child in order. */
  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this.children()) x = (m.forward as (a: unknown) => unknown).call(m, x);
    return x as Tensor;
  }
}

/** A list of modules whose parameters are registered ('0', '1', ...). */
export class ModuleList extends Module {
  constructor(modules: Module[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }

  append(module: Module): this {
    if (!(module instanceof Module)) throw typeError('ModuleList.append(module)', 'a Module', module);
    this.registerModule(String(this.length), module);
    return this;
  }

  push(...modules: Module[]): number {
    modules.forEach((m) => this.append(m));
    return this.length;
  }

  get length(): number {
    return this.namedChildren().length;
  }

  at(index: number): Module {
    const m = this.children()[index < 0 ? this.length + index : index];
    if (!m) throw new RangeError(`index ${index} is out of range for a ModuleList of ${this.length}`);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(): never {
    throw new Error('ModuleList has no forward(); iterate over it instead');
  }
}

/** Named modules, registered under their keys. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  set(key: string, module: Module): void {
    if (!(module instanceof Module)) throw typeError(`ModuleDict[${key}]`, 'a Module', module);
    this.registerModule(key, module);
  }

  get(key: string): Module | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Module ? v : undefined;
  }

  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  forward(): never {
    throw new Error('ModuleDict has no forward(); index it instead');
  }
}
