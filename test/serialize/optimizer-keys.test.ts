/** Optimizer state dicts are saved with integer state keys wherever they sit in the saved value. */
import assert from 'node:assert/strict';

import { serialize } from '../../lib/serialize';
import { withIntegerStateKeys } from '../../lib/serialize/optimizer-keys';
import * as sg from '../../lib/tensor';

interface Converted {
  state: Map<number, unknown>;
  param_groups: unknown[];
}

describe('save: optimizer state dicts get integer state keys', () => {
  const sd = () => ({ state: { '0': { step: 1 }, '2': { step: 2 } }, param_groups: [{ params: [0, 1], lr: 0.1 }, { params: [2], lr: 0.2 }] });

  it('converts a state dict at any depth, in arrays and Maps, and leaves the input untouched', () => {
    const input = { optimizer_state_dict: sd(), list: [sd()], map: new Map([['opt', sd()]]) };
    const out = withIntegerStateKeys(input) as { optimizer_state_dict: Converted; list: Converted[]; map: Map<string, Converted> };
    for (const got of [out.optimizer_state_dict, out.list[0], out.map.get('opt')!]) {
      assert.ok(got.state instanceof Map);
      assert.deepEqual([...got.state.keys()], [0, 2]);
      assert.deepEqual(got.state.get(2), { step: 2 });
      assert.deepEqual(got.param_groups, sd().param_groups);
    }
    assert.deepEqual(input.optimizer_state_dict, sd());
  });

  it('leaves alone what is not one: other keys, non-index state keys, indices missing from param_groups, tensors', () => {
    const t = sg.ones([2]);
    const cases: unknown[] = [
      { state: { a: 1 }, param_groups: [{ params: [0] }] },
      { state: { '0': 1 }, param_groups: [{ params: [0] }], extra: true },
      { state: { '01': 1 }, param_groups: [{ params: [1] }] },
      { state: { '3': 1 }, param_groups: [{ params: [0] }] },
      { state: { '0': 1 }, param_groups: [{ params: ['0'] }] },
    ];
    for (const c of cases) assert.deepEqual(withIntegerStateKeys(c), c);
    assert.equal(withIntegerStateKeys(t), t);
  });

  it('shared objects are converted once; a cycle is returned as it is (the pickler refuses it by name)', () => {
    let shared: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 200; i++) shared = { a: shared, b: shared }; // 2^200 paths, 201 objects
    const out = withIntegerStateKeys(shared) as Record<string, unknown>;
    assert.equal(out.a, out.b);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const back = withIntegerStateKeys(cyclic) as Record<string, unknown>;
    assert.equal(back.self, cyclic);
    assert.throws(() => serialize(cyclic), /nested deeper than 64 levels/);
  });
});
