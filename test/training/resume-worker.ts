/**
 * Child process of resume.test.ts: trains LeNet (with dropout) on an MNIST subset. With
 * `--die-at E:B` it kills itself with SIGKILL at epoch E, batch B, as a crash would.
 */
import { DataLoader, MnistDataset } from '../../lib/data';
import { LeNet } from '../../lib/models';
import { save } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Callback, PhaseContext, Trainer } from '../../lib/training';

async function main(): Promise<void> {
  const [dir, out, resume, dieAt] = process.argv.slice(2);
  sg.manualSeed(123);
  const model = new LeNet({ dropout: 0.3 });
  class Crash extends Callback {
    override onTrainBatchEnd(ctx: PhaseContext): void {
      if (dieAt && `${ctx.epoch}:${ctx.batchIdx}` === dieAt) process.kill(process.pid, 'SIGKILL');
    }
  }
  const trainLoader = new DataLoader(new MnistDataset({ split: 'train', limit: 640 }), { batch_size: 64, shuffle: true, seed: 5 });
  const trainer = new Trainer({ experimentName: 'resume', ckptRootDir: dir });
  await trainer.train({
    model,
    trainingParams: {
      max_epochs: 3,
      initial_lr: 0.01,
      optimizer: 'SGD',
      optimizer_params: { momentum: 0.9 },
      lr_mode: 'cosine',
      lr_warmup_epochs: 1,
      loss: 'CrossEntropyLoss',
      resume: resume === 'resume',
      silent_mode: true,
      seed: 7,
      phase_callbacks: [new Crash()],
    },
    trainLoader,
  });
  save(model.stateDict(), out);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
