/**
 * A data set for the DataLoader worker tests, rebuilt in each worker from its spec: item i is
 * [[i], i]; every get() counts itself in a SharedArrayBuffer the test reads; `failAt` throws an
 * error naming a file, `crashAt` ends the worker thread (only in a worker).
 */
import { isMainThread } from 'worker_threads';

import { Dataset, DatasetWorkerSpec } from '../../lib/data';
import * as sg from '../../lib/tensor';

export interface FixtureArgs {
  n: number;
  counter: SharedArrayBuffer;
  failAt?: number;
  crashAt?: number;
  failStart?: boolean;
}

export class CountingDataset extends Dataset<sg.Tensor[]> {
  private readonly counter: Int32Array;

  constructor(readonly args: FixtureArgs) {
    super();
    this.counter = new Int32Array(args.counter);
  }

  get length(): number {
    return this.args.n;
  }

  get(index: number): sg.Tensor[] {
    Atomics.add(this.counter, 0, 1);
    Atomics.notify(this.counter, 0);
    if (index === this.args.failAt) throw new Error(`cannot read item ${index} from 'shard-${index}.bin'`);
    if (index === this.args.crashAt && !isMainThread) process.exit(3);
    return [sg.tensor([index], { dtype: 'float32' }), sg.tensor(index, { dtype: 'int64' })];
  }

  override workerSpec(): DatasetWorkerSpec {
    return { module: __filename, factory: 'countingFromSpec', args: this.args };
  }
}

/** @public */
export function countingFromSpec(args: FixtureArgs): CountingDataset {
  if (args.failStart) throw new Error('the fixture refuses to start');
  return new CountingDataset(args);
}
