import assert from 'node:assert/strict';

import { native } from '../../lib/native';
import { listOptimizers } from '../../lib/optim';

// What each registered native optimizer kind answers for itself (native/optim/<name>.cc); the
// CUDA steps exist only in a CUDA build.
const cuda = native.buildInfo().cuda;
const EXPECTED = [
  { name: 'SGD', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'Adam', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: true },
  { name: 'AdamW', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: true },
  { name: 'RMSprop', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'RMSpropTF', supportsMaximize: false, stepKeptAsTensor: false, hasGroupState: false, fusedCpu: true, fusedCuda: cuda, libtorchFused: false },
  { name: 'Lamb', supportsMaximize: false, stepKeptAsTensor: false, hasGroupState: true, fusedCpu: true, fusedCuda: cuda, libtorchFused: false },
  { name: 'Lion', supportsMaximize: false, stepKeptAsTensor: false, hasGroupState: false, fusedCpu: true, fusedCuda: cuda, libtorchFused: false },
  { name: 'Adagrad', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'Adadelta', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'Adamax', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'NAdam', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'RAdam', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'ASGD', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'Rprop', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: true, fusedCuda: false, libtorchFused: false },
  { name: 'Adafactor', supportsMaximize: true, stepKeptAsTensor: true, hasGroupState: false, fusedCpu: false, fusedCuda: false, libtorchFused: false },
  { name: 'Muon', supportsMaximize: false, stepKeptAsTensor: false, hasGroupState: false, fusedCpu: false, fusedCuda: false, libtorchFused: false },
];

describe('native optimizer kinds (optimizerKinds)', () => {
  it('lists every registered kind in registration order, with its flags and step paths', () => {
    assert.deepEqual(native.optimizerKinds(), EXPECTED);
  });

  it('every native kind is a registered optimizer name', () => {
    const names = listOptimizers();
    for (const kind of native.optimizerKinds()) assert.ok(names.includes(kind.name), kind.name);
  });

  it('a kind that is not registered is refused by name', () => {
    assert.throws(() => new native.NativeOptimizer('Yogi', [], {}), { name: 'RangeError', message: "unknown native optimizer kind 'Yogi'" });
  });
});
