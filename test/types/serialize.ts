/**
 * Compile-only: sg.save and sg.load (torch.save / torch.load files).
 */
import * as sg from '../../lib';
import { load, save } from '../../lib';
import { assertType, Equal, expectType } from './helpers';

export function saveLoad(model: sg.nn.Module, opt: sg.optim.Optimizer): void {
  expectType<void>(sg.save({ net: model.stateDict(), epoch: 3, optimizer_state_dict: opt.stateDict() }, 'ckpt.pth'));
  expectType<void>(save(sg.zeros([2]), 'tensor.pth'));
  expectType<void>(save([1, 'two', null, { three: sg.ones([3]) }], 'mixed.pth'));
  assertType<Equal<ReturnType<typeof sg.load>, unknown>>();
  const ckpt = load('ckpt.pth') as { net: Record<string, sg.Tensor>; epoch: number };
  expectType<void>(model.loadStateDict(ckpt.net) && undefined);
  // @ts-expect-error the file is a path string
  sg.save({}, 42);
  // @ts-expect-error load needs a file
  sg.load();
  // @ts-expect-error load() is unknown: narrow or cast before use
  sg.load('ckpt.pth').net;
}
