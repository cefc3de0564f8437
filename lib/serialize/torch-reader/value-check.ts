/**
 * A last look at the unpickled value before it is returned: no container nested deeper than
 * MAX_DEPTH, none that contains itself (the memo can build cycles, which would send any recursive
 * consumer into a loop), and nothing internal to the reader (a bare storage or class) left in it.
 * Iterative and linear in the number of references, so it cannot overflow the JS stack itself.
 */
import { Tensor } from '../../tensor/tensor';
import { describe } from './describe';
import { MAX_DEPTH } from './limits';

function children(v: object): unknown[] {
  return Array.isArray(v) ? v : Object.values(v);
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !(v instanceof Tensor) && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype);
}

export function checkValue(root: unknown): void {
  const depth = new Map<object, number>(); // finished containers: their height
  const open = new Set<object>(); // containers on the current path
  if (!isContainer(root)) {
    checkLeaf(root);
    return;
  }
  const stack: Array<{ node: object; items: unknown[]; i: number; height: number }> = [];
  const enter = (node: object) => {
    if (open.has(node)) throw new Error('a container that contains itself (a cycle) is not a checkpoint value');
    if (stack.length >= MAX_DEPTH) throw new Error(`values nested deeper than ${MAX_DEPTH} levels`);
    open.add(node);
    stack.push({ node, items: children(node), i: 0, height: 1 });
  };
  enter(root);
  while (stack.length) {
    const frame = stack[stack.length - 1];
    if (frame.i < frame.items.length) {
      const child = frame.items[frame.i++];
      if (!isContainer(child)) checkLeaf(child);
      else if (depth.has(child)) {
        frame.height = Math.max(frame.height, 1 + depth.get(child)!);
        if (stack.length - 1 + frame.height > MAX_DEPTH) throw new Error(`values nested deeper than ${MAX_DEPTH} levels`);
      } else enter(child);
      continue;
    }
    stack.pop();
    open.delete(frame.node);
    depth.set(frame.node, frame.height);
    if (stack.length) stack[stack.length - 1].height = Math.max(stack[stack.length - 1].height, 1 + frame.height);
  }
}

function checkLeaf(v: unknown): void {
  if (v === null || v instanceof Tensor) return;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return;
  throw new Error(`the checkpoint holds a value that is not data (${describe(v)})`);
}
