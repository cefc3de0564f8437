/**
 * A worker for test/training/distributed-trainer.test.ts's sync_bn case: the DistributedTrainer
 * trains a float64 MLP with a BatchNorm1d (sync_bn: true, or false when argv[2] says so) on its
 * shard with batch B; without the group, a plain Trainer trains the same model on batch N·B.
 * Prints the largest relative difference of the two state dicts and the BatchNorm's class.
 */
import { getWorldSize, initProcessGroup } from '../../lib/distributed';
import { DataLoader, TensorDataset } from '../../lib/data';
import { BatchNorm1d, Linear, Module, Sequential, Tanh } from '../../lib/nn';
import { manualSeed, randn } from '../../lib/tensor';
import { DistributedTrainer, Trainer } from '../../lib/training';

const syncBn = process.argv[2] === 'true';
const B = 4;
(async () => {
  initProcessGroup({ backend: 'gloo', timeoutMs: 30000 });
  const N = getWorldSize();
  manualSeed(5);
  const ds = new TensorDataset(randn([6 * N * B, 5], { dtype: 'float64' }).mul(2).add(1), randn([6 * N * B, 3], { dtype: 'float64' }));
  const net = (): Module => {
    manualSeed(8);
    return new Sequential(new Linear(5, 6, { dtype: 'float64', bias: false }), new BatchNorm1d(6), new Tanh(), new Linear(6, 3, { dtype: 'float64' })).to('float64');
  };
  const params = { max_epochs: 2, initial_lr: 0.05, optimizer: 'SGD', loss: 'MSELoss', lr_warmup_epochs: 0, silent_mode: true, save_model: false, train_metrics_list: [], valid_metrics_list: [], sync_bn: syncBn };
  const ddpModel = net();
  await new DistributedTrainer({ experimentName: 'sync_bn' }).train({ model: ddpModel as never, trainingParams: params, trainLoader: new DataLoader(ds, { batch_size: B }) });
  const single = net();
  await new Trainer({ experimentName: 'single' }).train({ model: single as never, trainingParams: { ...params, sync_bn: false }, trainLoader: new DataLoader(ds, { batch_size: N * B }) });
  const a = Object.values(ddpModel.stateDict()).flatMap((t) => Array.from(t.to('float64').toTypedArray() as Float64Array));
  const b = Object.values(single.stateDict()).flatMap((t) => Array.from(t.to('float64').toTypedArray() as Float64Array));
  let rel = 0;
  for (let i = 0; i < a.length; i++) rel = Math.max(rel, Math.abs(a[i] - b[i]) / Math.max(1e-12, Math.abs(b[i])));
  console.log(JSON.stringify({ rel, bn: (ddpModel as Sequential).at(1).constructor.name }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
