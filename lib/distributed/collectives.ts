/**
 * torch.distributed's collectives on the default process group, synchronous: each returns when
 * every rank took part, or throws after the group's timeout (a peer gone is an Error naming the
 * rank that saw it, never a hang). Every rank must call the same collectives in the same order
 * with tensors of the same shape and dtype.
 */
import { expectInteger, isPlainObject, typeError, unknownNameError } from '../errors';
import { native } from '../native';
import { Tensor } from '../tensor/tensor';

/** torch.distributed.ReduceOp's names (AVG on Gloo is a sum divided by the world size, as DDP does). */
export type ReduceOpName = 'sum' | 'avg' | 'min' | 'max' | 'product';

const REDUCE_OPS: readonly ReduceOpName[] = ['sum', 'avg', 'min', 'max', 'product'];

function tensorArg(name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw typeError(name, 'a Tensor', t);
  return t;
}

function optionsArg(name: string, o: unknown, keys: readonly string[]): Record<string, unknown> {
  if (o === undefined) return {};
  if (!isPlainObject(o)) throw typeError(name, 'an options object', o);
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw unknownNameError(`${name.replace(/\(.*/, '')} option`, k, keys, k);
  return o;
}

/**
 * Reduces `t` across ranks in place: afterwards every rank holds the sum (default), average,
 * minimum, maximum or product.
 *
 * @example
 * const t = sg.tensor([sg.distributed.getRank() + 1], { dtype: 'float64' });
 * sg.distributed.allReduce(t, { op: 'avg' }); // 1.5 on both ranks of two
 */
export function allReduce(t: Tensor, options?: { op?: ReduceOpName }): void {
  tensorArg('allReduce(tensor)', t);
  const o = optionsArg('allReduce(options)', options, ['op']);
  const op = o.op ?? 'sum';
  if (typeof op !== 'string') throw typeError('op', `one of ${REDUCE_OPS.join(', ')}`, op);
  if (!REDUCE_OPS.includes(op as ReduceOpName)) throw unknownNameError('reduce op', op, REDUCE_OPS, 'op');
  native.allReduce(t._h, op);
}

/**
 * Copies rank `src`'s `t` into every rank's `t` (in place).
 *
 * @example
 * sg.distributed.broadcast(weights, { src: 0 });
 */
export function broadcast(t: Tensor, options?: { src?: number }): void {
  tensorArg('broadcast(tensor)', t);
  const o = optionsArg('broadcast(options)', options, ['src']);
  const src = expectInteger('src', o.src ?? 0);
  native.broadcast(t._h, src);
}

/**
 * Every rank's `t`, in rank order (new tensors; `t` is unchanged).
 *
 * @example
 * const all = sg.distributed.allGather(sg.tensor([sg.distributed.getRank()])); // [tensor([0]), tensor([1])]
 */
export function allGather(t: Tensor): Tensor[] {
  tensorArg('allGather(tensor)', t);
  return native.allGather(t._h).map((h) => new Tensor(h));
}

/** Returns when every rank reached its barrier (or throws after the group's timeout). */
export function barrier(): void {
  native.barrier();
}
