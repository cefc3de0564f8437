/**
 * A worker for test/training/distributed-trainer.test.ts's zero_redundancy case: the
 * DistributedTrainer trains a float64 MLP with `zero_redundancy: true` (Adam, two param groups)
 * for 2 epochs on its shard with batch B, writing checkpoints under argv[2]; then resumes that run
 * for a third epoch. Without the group, a plain Trainer trains the same model on batch N·B for 2
 * and for 3 epochs. Prints the largest relative differences of the weights (after 2 and after 3
 * epochs), of the checkpoint's optimizer state against the plain optimizer's (or where the
 * layouts differ), and this rank's state bytes against the plain optimizer's.
 */
import { barrier, getRank, getWorldSize, initProcessGroup } from '../../lib/distributed';
import { DataLoader, TensorDataset } from '../../lib/data';
import { Linear, Module, Sequential, Tanh } from '../../lib/nn';
import { OptimizerStateDict, ZeroRedundancyOptimizer } from '../../lib/optim';
import { load } from '../../lib/serialize';
import { manualSeed, randn, Tensor } from '../../lib/tensor';
import { DistributedTrainer, Trainer } from '../../lib/training';

const dir = process.argv[2];
const B = 4;

const flat = (m: Module) => Object.values(m.stateDict()).flatMap((t) => Array.from(t.toTypedArray() as Float64Array));
function relDiff(a: number[], b: number[]): number {
  let rel = 0;
  for (let i = 0; i < a.length; i++) rel = Math.max(rel, Math.abs(a[i] - b[i]) / Math.max(1e-12, Math.abs(b[i])));
  return rel;
}
function stateValues(sd: OptimizerStateDict): number[] {
  return Object.values(sd.state).flatMap((s) => Object.values(s).flatMap((v) => (v instanceof Tensor ? Array.from(v.to('float64').toTypedArray() as Float64Array) : [Number(v)])));
}
/** The layout of a state dict: its groups' options and indices, each state's keys and shapes. */
function layout(sd: OptimizerStateDict): string {
  const state = Object.entries(sd.state).map(([i, s]) => [i, Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.shape : typeof v])]);
  return JSON.stringify({ groups: sd.param_groups, state });
}

(async () => {
  initProcessGroup({ backend: 'gloo', timeoutMs: 30000 });
  const N = getWorldSize();
  manualSeed(5);
  const ds = new TensorDataset(randn([6 * N * B, 5], { dtype: 'float64' }), randn([6 * N * B, 3], { dtype: 'float64' }));
  const net = (): Module => {
    manualSeed(8);
    return new Sequential(new Linear(5, 6, { dtype: 'float64' }), new Tanh(), new Linear(6, 3, { dtype: 'float64' }));
  };
  const params = {
    max_epochs: 2,
    initial_lr: 0.01,
    optimizer: 'Adam',
    optimizer_params: { weight_decay: 1e-3 },
    zero_weight_decay_on_bias_and_bn: true, // two groups: the partition is per group
    loss: 'MSELoss',
    lr_warmup_epochs: 0,
    silent_mode: true,
    train_metrics_list: [],
    valid_metrics_list: [],
  };
  const model = net();
  const trainer = new DistributedTrainer({ experimentName: 'zero', ckptRootDir: dir });
  await trainer.train({ model: model as never, trainingParams: { ...params, zero_redundancy: true }, trainLoader: new DataLoader(ds, { batch_size: B }) });
  const zero = trainer.optimizer as ZeroRedundancyOptimizer;
  const sharded = zero instanceof ZeroRedundancyOptimizer;
  const bytes = sharded ? zero.stateBytes() : -1;
  const afterTwo = flat(model);
  barrier(); // rank 0's last checkpoint is written before any rank resumes from it
  const ckpt = load(`${dir}/zero/ckpt_latest.pth`) as { optimizer_state_dict: OptimizerStateDict };

  const resumedModel = net();
  await new DistributedTrainer({ experimentName: 'zero', ckptRootDir: dir }).train({
    model: resumedModel as never,
    trainingParams: { ...params, max_epochs: 3, resume: true, zero_redundancy: true },
    trainLoader: new DataLoader(ds, { batch_size: B }),
  });

  const single = net();
  const plain = new Trainer({ experimentName: 'single' });
  await plain.train({ model: single as never, trainingParams: { ...params, save_model: false }, trainLoader: new DataLoader(ds, { batch_size: N * B }) });
  const plainSd = plain.optimizer!.stateDict();
  const plainBytes = Object.values(plainSd.state).reduce((n, s) => n + Object.values(s).reduce((m: number, v) => m + (v instanceof Tensor ? v.numel() * (v.dtype === 'float64' ? 8 : 4) : 0), 0), 0);
  const single3 = net();
  await new Trainer({ experimentName: 'single3' }).train({ model: single3 as never, trainingParams: { ...params, max_epochs: 3, save_model: false }, trainLoader: new DataLoader(ds, { batch_size: N * B }) });

  const saved = ckpt.optimizer_state_dict;
  const sameLayout = layout(saved) === layout(plainSd);
  console.log(
    JSON.stringify({
      rank: getRank(),
      sharded,
      rel2: relDiff(afterTwo, flat(single)),
      rel3: relDiff(flat(resumedModel), flat(single3)),
      moved: relDiff(flat(single3), flat(net())),
      stateLayout: sameLayout ? 'same' : `${layout(saved)} vs ${layout(plainSd)}`,
      stateRel: sameLayout ? relDiff(stateValues(saved), stateValues(plainSd)) : null,
      bytes,
      plainBytes,
    }),
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
