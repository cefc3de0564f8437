/**
 * A pickle VM for what torch.save writes (protocol 2, plus the protocol-4 opcodes newer Pythons
 * emit), built to read untrusted files: every length is checked against the bytes that remain,
 * the stack, the MARK nesting and a memory budget are bounded, no opcode runs against a stack that
 * lacks its operands, and nothing is called but the allowlisted functions the caller hands in
 * (`hooks.global`). All state (stack, memo) lives in one call: one file cannot change how the
 * next is read. Values: dicts are plain objects (keys as strings), lists and tuples are arrays.
 */

/** Bounds on one load; see limits.ts for the values and why. */
export interface PickleLimits {
  maxStack: number;
  maxMarks: number;
  budgetBytes: number;
}

/** A Python callable the allowlist resolved; REDUCE and NEWOBJ can call nothing else. */
export class PyGlobal {
  constructor(
    readonly qualifiedName: string,
    readonly call: ((args: unknown[]) => unknown) | null,
  ) {}
}

export interface UnpickleHooks {
  /** The allowlisted callable for `module.name`; throws for anything else. */
  global(module: string, name: string): PyGlobal;
  /** What a persistent id (torch.save's storage tuple) stands for. */
  persistentLoad(pid: unknown[]): unknown;
  /** Whether BUILD may apply to `target` (its state is then ignored: it only holds attributes). */
  buildable(target: unknown): boolean;
}

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);

class VM {
  private pos = 0;
  private readonly stack: unknown[] = [];
  /** Stack heights at each open MARK (Python's metastack): pops never reach below the top one. */
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();
  /** Tuples are arrays here too; this tells them from lists (tuples take no APPEND). */
  private readonly tuples = new WeakSet<object>();
  private budget: number;
  private op = 0;
  opAt = 0;

  constructor(
    private readonly data: Buffer,
    private readonly hooks: UnpickleHooks,
    private readonly limits: PickleLimits,
  ) {
    this.budget = limits.budgetBytes;
  }

  fail(what: string): never {
    throw new Error(`pickle: ${what} (opcode 0x${this.op.toString(16)} at byte ${this.opAt})`);
  }

  /** Charges `bytes` of JS memory to the budget, so output size stays a small multiple of input. */
  charge(bytes: number): void {
    this.budget -= bytes;
    if (this.budget < 0) this.fail(`the data would take more than ${this.limits.budgetBytes} bytes of memory to hold`);
  }

  take(n: number): number {
    if (n < 0 || !Number.isSafeInteger(n)) this.fail(`invalid length ${n}`);
    if (n > this.data.length - this.pos) this.fail(`length ${n} runs past the end of the pickle (${this.data.length - this.pos} bytes left)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  push(v: unknown): void {
    if (this.stack.length >= this.limits.maxStack) this.fail(`stack deeper than ${this.limits.maxStack} items`);
    this.charge(8);
    this.stack.push(v);
  }

  pop(): unknown {
    if (this.stack.length <= (this.marks.length ? this.marks[this.marks.length - 1] : 0)) this.fail('stack underflow');
    return this.stack.pop();
  }

  top(): unknown {
    if (this.stack.length <= (this.marks.length ? this.marks[this.marks.length - 1] : 0)) this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  popMark(): unknown[] {
    const m = this.marks.pop();
    if (m === undefined) this.fail('no MARK to pop to');
    return this.stack.splice(m);
  }

  newList(items: unknown[]): unknown[] {
    this.charge(32 + 8 * items.length);
    return items;
  }

  newTuple(items: unknown[]): unknown[] {
    const t = this.newList(items);
    this.tuples.add(t);
    return t;
  }

  string(at: number, n: number, encoding: 'utf8' | 'latin1'): string {
    this.charge(32 + 2 * n);
    return this.data.toString(encoding, at, at + n);
  }

  line(): string {
    // Search 257 bytes only, so GLOBALs without a newline cannot make a load quadratic.
    const window = this.data.subarray(this.pos, this.pos + 257).indexOf(0x0a);
    if (window < 0) this.fail('GLOBAL without a short newline-terminated name');
    const end = this.pos + window;
    const s = this.data.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return s;
  }

  integer(at: number, n: number): number | bigint {
    if (n > 8) this.fail(`integer of ${n} bytes (wider than int64)`);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.data[at + i]);
    if (n > 0 && this.data[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    if (v > MAX_INT64 || v < MIN_INT64) this.fail('integer beyond int64');
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  dict(target: unknown): Record<string, unknown> {
    if (target === null || typeof target !== 'object' || Array.isArray(target) || Object.getPrototypeOf(target) !== Object.prototype) {
      this.fail('SETITEM on something that is not a dict');
    }
    return target as Record<string, unknown>;
  }

  setItems(target: unknown, pairs: unknown[]): void {
    const obj = this.dict(target);
    if (pairs.length % 2) this.fail('SETITEMS with an odd number of items');
    this.charge(16 * pairs.length);
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i];
      if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'bigint' && typeof key !== 'boolean') {
        this.fail(`dict key of type ${key === null ? 'None' : typeof key} (only strings and numbers are keys of a checkpoint dict)`);
      }
      // defineProperty so that a key named __proto__ is an ordinary entry, not a prototype change.
      Object.defineProperty(obj, String(key), { value: pairs[i + 1], enumerable: true, writable: true, configurable: true });
    }
  }

  list(target: unknown): unknown[] {
    if (!Array.isArray(target) || this.tuples.has(target)) this.fail('APPEND to something that is not a list');
    return target;
  }

  call(fn: unknown, args: unknown): unknown {
    if (!(fn instanceof PyGlobal) || fn.call === null) this.fail(`call of something that is not an allowed function (${fn instanceof PyGlobal ? fn.qualifiedName : fn === null ? 'None' : Array.isArray(fn) ? 'a sequence' : typeof fn})`);
    if (!Array.isArray(args) || !this.tuples.has(args)) this.fail(`arguments of ${fn.qualifiedName} are not a tuple`);
    this.charge(64);
    return fn.call(args as unknown[]);
  }

  run(): unknown {
    const d = this.data;
    for (;;) {
      this.opAt = this.pos;
      this.op = d[this.take(1)];
      switch (this.op) {
        case 0x80: { // PROTO
          const v = d[this.take(1)];
          if (v < 2 || v > 5) this.fail(`unsupported pickle protocol ${v}`);
          break;
        }
        case 0x95: { // FRAME: a length hint only; it must still fit in what is left.
          const n = d.readBigUInt64LE(this.take(8));
          if (n > BigInt(d.length - this.pos)) this.fail(`FRAME of ${n} bytes longer than the data`);
          break;
        }
        case 0x7d: this.charge(64); this.push({}); break; // EMPTY_DICT
        case 0x5d: this.push(this.newList([])); break; // EMPTY_LIST
        case 0x29: this.push(this.newTuple([])); break; // EMPTY_TUPLE
        case 0x28: // MARK
          if (this.marks.length >= this.limits.maxMarks) this.fail(`MARKs nested deeper than ${this.limits.maxMarks}`);
          this.marks.push(this.stack.length);
          break;
        case 0x58: { // BINUNICODE
          const n = d.readUInt32LE(this.take(4));
          this.push(this.string(this.take(n), n, 'utf8'));
          break;
        }
        case 0x8d: { // BINUNICODE8
          const n = d.readBigUInt64LE(this.take(8));
          if (n > BigInt(d.length)) this.fail(`string length ${n} larger than the data`);
          this.push(this.string(this.take(Number(n)), Number(n), 'utf8'));
          break;
        }
        case 0x8c: { // SHORT_BINUNICODE
          const n = d[this.take(1)];
          this.push(this.string(this.take(n), n, 'utf8'));
          break;
        }
        case 0x55: { // SHORT_BINSTRING
          const n = d[this.take(1)];
          this.push(this.string(this.take(n), n, 'latin1'));
          break;
        }
        case 0x54: { // BINSTRING: a signed length, so negative lengths are refused by take().
          const n = d.readInt32LE(this.take(4));
          this.push(this.string(this.take(n), n, 'latin1'));
          break;
        }
        case 0x4a: this.push(d.readInt32LE(this.take(4))); break; // BININT
        case 0x4b: this.push(d[this.take(1)]); break; // BININT1
        case 0x4d: this.push(d.readUInt16LE(this.take(2))); break; // BININT2
        case 0x8a: { // LONG1
          const n = d[this.take(1)];
          this.push(this.integer(this.take(n), n));
          break;
        }
        case 0x8b: { // LONG4
          const n = d.readInt32LE(this.take(4));
          if (n < 0 || n > 8) this.fail(`integer of ${n} bytes (wider than int64, or negative length)`);
          this.push(this.integer(this.take(n), n));
          break;
        }
        case 0x47: this.push(d.readDoubleBE(this.take(8))); break; // BINFLOAT
        case 0x88: this.push(true); break; // NEWTRUE
        case 0x89: this.push(false); break; // NEWFALSE
        case 0x4e: this.push(null); break; // NONE
        case 0x74: this.push(this.newTuple(this.popMark())); break; // TUPLE
        case 0x85: this.push(this.newTuple([this.pop()])); break; // TUPLE1
        case 0x86: { // TUPLE2
          const b = this.pop();
          this.push(this.newTuple([this.pop(), b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.push(this.newTuple([this.pop(), b, c]));
          break;
        }
        case 0x6c: this.push(this.newList(this.popMark())); break; // LIST
        case 0x64: { // DICT
          const items = this.popMark();
          this.charge(64);
          const obj = {};
          this.setItems(obj, items);
          this.push(obj);
          break;
        }
        case 0x73: { // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: { // SETITEMS
          const pairs = this.popMark();
          this.setItems(this.top(), pairs);
          break;
        }
        case 0x61: { // APPEND
          const v = this.pop();
          this.list(this.top()).push(v);
          this.charge(8);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          const target = this.list(this.top());
          this.charge(8 * items.length);
          for (const v of items) target.push(v);
          break;
        }
        case 0x71: this.memo.set(d[this.take(1)], this.top()); this.charge(16); break; // BINPUT
        case 0x72: this.memo.set(d.readUInt32LE(this.take(4)), this.top()); this.charge(16); break; // LONG_BINPUT
        case 0x94: this.memo.set(this.memo.size, this.top()); this.charge(16); break; // MEMOIZE
        case 0x68: this.push(this.memoGet(d[this.take(1)])); break; // BINGET
        case 0x6a: this.push(this.memoGet(d.readUInt32LE(this.take(4)))); break; // LONG_BINGET
        case 0x63: { // GLOBAL
          const module = this.line();
          const name = this.line();
          this.push(this.hooks.global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL of something that is not a name');
          this.push(this.hooks.global(module, name));
          break;
        }
        case 0x52: // REDUCE
        case 0x81: { // NEWOBJ
          const args = this.pop();
          const fn = this.pop();
          this.push(this.call(fn, args));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          if (!this.hooks.buildable(this.top())) this.fail('BUILD of an object that takes no state');
          if (state !== null && (typeof state !== 'object' || Array.isArray(state))) this.fail('BUILD with a state that is not a dict');
          break;
        }
        case 0x51: { // BINPERSID
          const pid = this.pop();
          if (!Array.isArray(pid) || !this.tuples.has(pid)) this.fail('persistent id is not a tuple');
          this.charge(64);
          this.push(this.hooks.persistentLoad(pid));
          break;
        }
        case 0x2e: // STOP
          if (this.marks.length) this.fail('MARK left open at STOP');
          if (this.stack.length !== 1) this.fail(`${this.stack.length} values on the stack at STOP (expected 1)`);
          if (this.pos !== d.length) this.fail(`${d.length - this.pos} bytes after STOP`);
          return this.stack[0];
        default:
          this.fail('unsupported opcode');
      }
    }
  }

  memoGet(k: number): unknown {
    if (!this.memo.has(k)) this.fail(`memo ${k} was never stored`);
    return this.memo.get(k);
  }
}

/** The value in `data`, a pickle; throws an Error saying what is wrong and where. */
export function unpickle(data: Buffer, hooks: UnpickleHooks, limits: PickleLimits): unknown {
  const vm = new VM(data, hooks, limits);
  try {
    return vm.run();
  } catch (err) {
    // The allowlist and storage checks do not know where they were called from: say it here.
    const e = err as Error;
    if (e instanceof Error && !e.message.startsWith('pickle:')) e.message = `${e.message} (pickle byte ${vm.opAt})`;
    throw e;
  }
}
