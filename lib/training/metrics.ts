/**
 * Classification metrics, accumulated over an epoch in TypeScript from per-batch counts that
 * LibTorch computes (argmax / topk-by-sort, compare, sum).
 */
import { isPlainObject, typeError } from '../errors';
import { Registry } from '../registry/registry';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';

export interface Metric {
  readonly name: string;
  /** Whether greater is better (for metric_to_watch). */
  readonly greaterIsBetter: boolean;
  reset(): void;
  update(output: Tensor, target: Tensor): void;
  compute(): number;
}

/** Top-k accuracy: the fraction of samples whose target is among the k largest outputs. */
export class TopKAccuracy implements Metric {
  readonly greaterIsBetter = true;
  private correct = 0;
  private total = 0;

  constructor(readonly k: number, readonly name: string) {}

  reset(): void {
    this.correct = 0;
    this.total = 0;
  }

  update(output: Tensor, target: Tensor): void {
    noGrad(() => {
      const n = output.shape[0];
      if (this.k === 1) {
        this.correct += Number(output.argmax({ dim: 1 }).eq(target).sum().item());
      } else {
        // Count targets beaten by fewer than k classes.
        const picked = output.gather(1, target.reshape(n, 1));
        const better = output.gt(picked).sum({ dim: 1 });
        this.correct += Number(better.lt(this.k).sum().item());
      }
      this.total += n;
    });
  }

  compute(): number {
    return this.total === 0 ? 0 : this.correct / this.total;
  }
}

export type MetricFactory = (params: Record<string, unknown>) => Metric;

export const METRICS = new Registry<MetricFactory>('metric');
METRICS.register('Accuracy', () => new TopKAccuracy(1, 'Accuracy'));
METRICS.register('Top5', () => new TopKAccuracy(5, 'Top5'));

export function registerMetric(name: string, factory: MetricFactory, options?: { override?: boolean }): void {
  METRICS.register(name, factory, options);
}

/** Metrics from a list of names, `{Name: params}` objects or Metric instances. */
export function createMetrics(list: unknown, path: string): Metric[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw typeError(path, 'an array of metric names', list);
  return list.map((item, i) => {
    if (typeof item === 'string') return METRICS.get(item, `${path}[${i}]`)({});
    if (item && typeof item === 'object' && typeof (item as Metric).update === 'function') return item as Metric;
    if (isPlainObject(item) && Object.keys(item).length === 1) {
      const [name, params] = Object.entries(item)[0];
      return METRICS.get(name, `${path}[${i}]`)(isPlainObject(params) ? params : {});
    }
    throw typeError(`${path}[${i}]`, 'a metric name or a Metric', item);
  });
}
