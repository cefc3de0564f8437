/**
 * The Python globals a checkpoint may name: the data-only subset of PyTorch's weights_only
 * allowlist (OrderedDict, dense tensors and parameters, the plain storage types, torch.device,
 * torch.Size, set), plus the pure type-tag helpers LibTorch's own pickler (our sg.save) writes.
 * Each is a JS function over already-checked arguments; no name reaches code beyond this table.
 * Sparse, quantized, complex and meta tensors, and every other class or function, are refused.
 */
import { Tensor } from '../../tensor/tensor';
import { describeName } from './describe';
import { LoadedStorage, STORAGE_KINDS, tensorView } from './storages';
import { PyGlobal } from './unpickler';

type Impl = (args: unknown[], ctx: GlobalContext) => unknown;

export interface GlobalContext {
  /** Dicts made by collections.OrderedDict in this load: the only objects BUILD may touch. */
  orderedDicts: WeakSet<object>;
}

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new Error(`${name} called with ${args.length} arguments`);
}

const identity = (name: string): Impl => (args) => {
  arity(name, args, 1, 2);
  return args[0];
};

const listOf = (name: string): Impl => (args) => {
  arity(name, args, 1);
  if (!Array.isArray(args[0])) throw new Error(`${name} of something that is not a list`);
  return args[0];
};

const IMPLS: ReadonlyMap<string, Impl> = new Map<string, Impl>([
  [
    'collections.OrderedDict',
    (args, ctx) => {
      arity('OrderedDict', args, 0);
      const d = {};
      ctx.orderedDicts.add(d);
      return d;
    },
  ],
  [
    'torch._utils._rebuild_tensor_v2',
    // (storage, offset, size, stride, requires_grad, backward_hooks[, metadata])
    (args) => {
      arity('_rebuild_tensor_v2', args, 6, 7);
      const [storage, offset, size, stride, requiresGrad, hooks] = args;
      if (!(storage instanceof LoadedStorage)) throw new Error('_rebuild_tensor_v2 of something that is not a storage');
      if (hooks === null || typeof hooks !== 'object' || Array.isArray(hooks)) throw new Error('_rebuild_tensor_v2: backward hooks are not a dict');
      return tensorView(storage, offset, size, stride, requiresGrad);
    },
  ],
  [
    'torch._utils._rebuild_parameter',
    // (data, requires_grad, backward_hooks): the tensor itself, as sg.load has always returned it.
    (args) => {
      arity('_rebuild_parameter', args, 3);
      if (!(args[0] instanceof Tensor)) throw new Error('_rebuild_parameter of something that is not a tensor');
      return args[0];
    },
  ],
  [
    'torch.device',
    (args) => {
      arity('torch.device', args, 1, 2);
      const [type, index] = args;
      if (typeof type !== 'string' || (index !== undefined && (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0))) throw new Error('torch.device of something that is not a device');
      return index === undefined ? type : `${type}:${index}`;
    },
  ],
  ['torch.Size', listOf('torch.Size')],
  ['builtins.set', listOf('set')],
  ['torch.jit._pickle.restore_type_tag', identity('restore_type_tag')],
  ['torch.jit._pickle.build_intlist', listOf('build_intlist')],
  ['torch.jit._pickle.build_doublelist', listOf('build_doublelist')],
  ['torch.jit._pickle.build_boollist', listOf('build_boollist')],
  ['torch.jit._pickle.build_tensorlist', listOf('build_tensorlist')],
]);

/** The PyGlobal for `module.name`, or an Error naming what the checkpoint asked for. */
export function resolveGlobal(module: string, name: string, ctx: GlobalContext): PyGlobal {
  const qualified = `${module}.${name}`;
  // Storage classes are not called; they only name a storage's type inside a persistent id.
  if (module === 'torch' && STORAGE_KINDS.has(name)) return new PyGlobal(qualified, null);
  const impl = IMPLS.get(qualified);
  if (!impl) throw new Error(`the checkpoint refers to ${describeName(qualified)}, which sg.load does not allow (only tensors, storages and plain Python data are read)`);
  return new PyGlobal(qualified, (args) => impl(args, ctx));
}
