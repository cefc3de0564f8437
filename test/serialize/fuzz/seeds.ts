/**
 * The checkpoints the fuzzer mutates: files written by our own sg.save (a Trainer-like checkpoint
 * and one value of every kind we save) and the Python-written files kept in corpus/ (torch.save
 * from Python 1.13, every storage type, OrderedDict state dicts, Parameters, shared storages).
 */
import * as fs from 'fs';
import * as path from 'path';

import { serialize } from '../../../lib/serialize';
import * as sg from '../../../lib/tensor';

export const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'test', 'serialize', 'corpus');

export function ourSeeds(): Array<[string, Buffer]> {
  sg.manualSeed(0);
  const w = sg.randn([3, 2]);
  const trainer = serialize({
    net: { 'fc.weight': w, 'fc.bias': sg.zeros([3]), 'bn.num_batches_tracked': sg.tensor(new BigInt64Array([5n])) },
    optimizer_state_dict: { state: new Map([[0, { momentum_buffer: w.t() }]]), param_groups: [{ lr: 0.1, momentum: 0.9, params: [0, 1] }] },
    epoch: 3,
    acc: 0.25,
    metrics: { Accuracy: 0.25 },
  });
  const kinds = serialize([
    sg.tensor(1.5, { dtype: 'float64' }),
    sg.zeros([0, 2]),
    sg.tensor([1, 2], { dtype: 'float16' }),
    sg.tensor([true, false]),
    sg.tensor(new Uint8Array([7])),
    sg.tensor(new Int32Array([-1])),
    2n ** 60n,
    'text',
    null,
    [true, { nested: [1, 2.5] }],
  ]);
  const tiny = serialize({ w: sg.tensor([1, 2]), n: 1 });
  return [['ours-trainer', trainer], ['ours-kinds', kinds], ['ours-tiny', tiny]];
}

/** Corpus files named python-*.pth: torch.save output from Python, committed. */
export function pythonSeeds(): Array<[string, Buffer]> {
  return fs
    .readdirSync(CORPUS)
    .filter((f) => f.startsWith('python-') && f.endsWith('.pth'))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(CORPUS, f))]);
}
