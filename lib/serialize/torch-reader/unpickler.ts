/**
 * A pickle VM for what torch.save writes (protocol 2, plus the protocol-4 opcodes newer Pythons
 * emit): dicts, lists, tuples, numbers, strings, OrderedDict, tensors rebuilt from storages.
 * Unknown globals are an error naming them.
 */
export interface PersistentLoader {
  (pid: unknown[]): unknown;
}

export type GlobalResolver = (module: string, name: string) => unknown;

const MARK = Symbol('mark');

export function unpickle(data: Buffer, resolveGlobal: GlobalResolver, persistentLoad: PersistentLoader): unknown {
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > data.length) throw new Error('truncated pickle data');
  };
  const popMark = (): unknown[] => {
    const items: unknown[] = [];
    for (;;) {
      if (stack.length === 0) throw new Error('pickle: MARK not found');
      const v = stack.pop();
      if (v === MARK) break;
      items.push(v);
    }
    return items.reverse();
  };
  const setItems = (target: unknown, pairs: unknown[]) => {
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i];
      const value = pairs[i + 1];
      if (target instanceof Map) target.set(key, value);
      else (target as Record<string, unknown>)[String(key)] = value;
    }
  };
  const readLine = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw new Error('truncated pickle data');
    const s = data.toString('utf8', pos, end);
    pos = end + 1;
    return s;
  };
  for (;;) {
    need(1);
    const op = data[pos++];
    switch (op) {
      case 0x80: // PROTO
        need(1);
        pos += 1;
        break;
      case 0x95: // FRAME
        need(8);
        pos += 8;
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({});
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x58: {
        // BINUNICODE
        need(4);
        const n = data.readUInt32LE(pos);
        pos += 4;
        need(n);
        stack.push(data.toString('utf8', pos, pos + n));
        pos += n;
        break;
      }
      case 0x8c: {
        // SHORT_BINUNICODE
        need(1);
        const n = data[pos++];
        need(n);
        stack.push(data.toString('utf8', pos, pos + n));
        pos += n;
        break;
      }
      case 0x55: {
        // SHORT_BINSTRING
        need(1);
        const n = data[pos++];
        need(n);
        stack.push(data.toString('latin1', pos, pos + n));
        pos += n;
        break;
      }
      case 0x54: {
        // BINSTRING
        need(4);
        const n = data.readInt32LE(pos);
        pos += 4;
        need(n);
        stack.push(data.toString('latin1', pos, pos + n));
        pos += n;
        break;
      }
      case 0x4a: // BININT
        need(4);
        stack.push(data.readInt32LE(pos));
        pos += 4;
        break;
      case 0x4b: // BININT1
        need(1);
        stack.push(data[pos++]);
        break;
      case 0x4d: // BININT2
        need(2);
        stack.push(data.readUInt16LE(pos));
        pos += 2;
        break;
      case 0x8a: {
        // LONG1
        need(1);
        const n = data[pos++];
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[pos + i]);
        if (n > 0 && data[pos + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        stack.push(data.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([stack.pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = stack.pop();
        const a = stack.pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = stack.pop();
        const b = stack.pop();
        const a = stack.pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const obj = {};
        setItems(obj, popMark());
        stack.push(obj);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = stack.pop();
        const key = stack.pop();
        setItems(stack[stack.length - 1], [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const pairs = popMark();
        setItems(stack[stack.length - 1], pairs);
        break;
      }
      case 0x61: {
        // APPEND
        const v = stack.pop();
        (stack[stack.length - 1] as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        (stack[stack.length - 1] as unknown[]).push(...items);
        break;
      }
      case 0x71: // BINPUT
        need(1);
        memo.set(data[pos++], stack[stack.length - 1]);
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memo.set(data.readUInt32LE(pos), stack[stack.length - 1]);
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, stack[stack.length - 1]);
        break;
      case 0x68: {
        // BINGET
        need(1);
        const k = data[pos++];
        if (!memo.has(k)) throw new Error(`pickle: memo ${k} missing`);
        stack.push(memo.get(k));
        break;
      }
      case 0x6a: {
        // LONG_BINGET
        need(4);
        const k = data.readUInt32LE(pos);
        pos += 4;
        if (!memo.has(k)) throw new Error(`pickle: memo ${k} missing`);
        stack.push(memo.get(k));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = readLine();
        const name = readLine();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = stack.pop() as string;
        const module = stack.pop() as string;
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = stack.pop() as unknown[];
        const fn = stack.pop();
        if (typeof fn !== 'function') throw new Error('pickle: REDUCE of something not callable');
        stack.push(fn(...args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = stack.pop() as unknown[];
        const cls = stack.pop();
        if (typeof cls !== 'function') throw new Error('pickle: NEWOBJ of something not constructible');
        stack.push(cls(...args));
        break;
      }
      case 0x62: {
        // BUILD: state for the object below; OrderedDict's _metadata and similar are ignored.
        const state = stack.pop();
        const target = stack[stack.length - 1];
        if (target && typeof target === 'object' && state && typeof state === 'object' && !Array.isArray(state)) {
          for (const [k, v] of Object.entries(state)) if (k !== '_metadata') (target as Record<string, unknown>)[k] = v;
        }
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = stack.pop();
        if (!Array.isArray(pid)) throw new Error('pickle: persistent id is not a tuple');
        stack.push(persistentLoad(pid));
        break;
      }
      case 0x2e: // STOP
        if (stack.length !== 1) throw new Error('pickle: bad stack at STOP');
        return stack[0];
      default:
        throw new Error(`pickle: unsupported opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}
