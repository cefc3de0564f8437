import assert from 'node:assert/strict';

import { errorCode, errorPath } from '../../lib/errors';
import * as sg from '../../lib/tensor';
import { createMetrics, Metric, registerMetric, TopKAccuracy } from '../../lib/training';

/**
 * Hand-made logits over 7 classes, all values distinct; the rank of the target is the number of
 * classes with a larger logit. Top5 counts rank ≤ 4, Accuracy rank 0.
 */
const LOGITS = [
  [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], // target 6: rank 0 → top1 and top5
  [0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1], // target 4: rank 4 (5th largest) → top5 only
  [0.3, 0.9, 0.1, 0.8, 0.2, 0.7, 0.6], // target 6 (0.6): larger are 0.9, 0.8, 0.7 → rank 3 → top5 only
  [0.5, 0.4, 0.9, 0.3, 0.8, 0.2, 0.7], // target 1 (0.4): larger are 0.5, 0.9, 0.8, 0.7 → rank 4 → top5 only
  [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], // target 1: rank 5 → neither
  [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3], // target 6: rank 6 → neither
];
const TARGETS = [6, 4, 6, 1, 1, 6];

describe('training: metrics on hand-made logits', () => {
  it('Top5 counts the targets among the 5 largest logits; Accuracy the argmax', () => {
    const [accuracy, top5] = createMetrics(['Accuracy', 'Top5'], 'valid_metrics_list');
    const output = sg.tensor(LOGITS);
    const target = sg.tensor(TARGETS, { dtype: 'int64' });
    accuracy.update(output, target);
    top5.update(output, target);
    assert.equal(top5.name, 'Top5');
    assert.equal(top5.compute(), 4 / 6);
    assert.equal(accuracy.compute(), 1 / 6);
  });

  it('accumulates over batches until reset; k is honoured', () => {
    const top5 = createMetrics(['Top5'], 'valid_metrics_list')[0];
    top5.update(sg.tensor(LOGITS.slice(0, 2)), sg.tensor(TARGETS.slice(0, 2), { dtype: 'int64' })); // 2 of 2
    top5.update(sg.tensor(LOGITS.slice(4)), sg.tensor(TARGETS.slice(4), { dtype: 'int64' })); // 0 of 2
    assert.equal(top5.compute(), 2 / 4);
    top5.reset();
    assert.equal(top5.compute(), 0);
    top5.update(sg.tensor(LOGITS.slice(3, 5)), sg.tensor(TARGETS.slice(3, 5), { dtype: 'int64' })); // rank 4 in, rank 5 out
    assert.equal(top5.compute(), 1 / 2);
    const top2 = new TopKAccuracy(2, 'Top2');
    top2.update(sg.tensor(LOGITS), sg.tensor(TARGETS, { dtype: 'int64' })); // ranks 0, 4, 3, 4, 5, 6: only rank 0
    assert.equal(top2.compute(), 1 / 6);
    const top4 = new TopKAccuracy(4, 'Top4');
    top4.update(sg.tensor(LOGITS), sg.tensor(TARGETS, { dtype: 'int64' })); // ranks 0 and 3
    assert.equal(top4.compute(), 2 / 6);
  });

  it('greater is better; top-1 is the argmax (the first of tied logits), top-k counts classes strictly above the target', () => {
    const [accuracy, top5] = createMetrics(['Accuracy', 'Top5'], 'valid_metrics_list');
    assert.equal(accuracy.greaterIsBetter, true);
    assert.equal(top5.greaterIsBetter, true);
    assert.equal(accuracy.name, 'Accuracy');
    // Tied logits: argmax picks class 0, so target 1 is a miss for Accuracy; no class beats it, so Top2 counts it.
    const tied = sg.tensor([[0.5, 0.5, 0.1]]);
    const target = sg.tensor([1], { dtype: 'int64' });
    accuracy.update(tied, target);
    assert.equal(accuracy.compute(), 0);
    const top2 = new TopKAccuracy(2, 'Top2');
    top2.update(tied, target);
    assert.equal(top2.compute(), 1);
    accuracy.update(tied, sg.tensor([0], { dtype: 'int64' }));
    assert.equal(accuracy.compute(), 1 / 2);
  });
});

describe('training: createMetrics', () => {
  const path = 'train_metrics_list';

  it('null and undefined give no metric; a non-array is refused with its path', () => {
    assert.deepEqual(createMetrics(null, path), []);
    assert.deepEqual(createMetrics(undefined, path), []);
    assert.throws(() => createMetrics('Accuracy', path), {
      name: 'TypeError',
      message: "Expected an array of metric names for train_metrics_list but received 'Accuracy' (string)",
      path,
      code: 'ERR_TYPE',
    });
  });

  it('names, {Name: params} and Metric instances; an unknown name is named with its index', () => {
    const own: Metric = { name: 'Own', greaterIsBetter: false, reset: () => undefined, update: () => undefined, compute: () => 7 };
    const [a, b, c] = createMetrics(['Top5', { Accuracy: {} }, own], path);
    assert.ok(a instanceof TopKAccuracy && a.k === 5 && a.name === 'Top5');
    assert.ok(b instanceof TopKAccuracy && b.k === 1 && b.name === 'Accuracy');
    assert.equal(c, own);
    assert.throws(
      () => createMetrics(['Accuracy', 'Acuracy'], path),
      (err: Error) => {
        assert.match(err.message, /^unknown metric 'Acuracy'; did you mean 'Accuracy'\?/);
        assert.equal(errorPath(err), 'train_metrics_list[1]');
        assert.equal(errorCode(err), 'ERR_UNKNOWN_NAME');
        return true;
      },
    );
    assert.throws(() => createMetrics([{ Nope: {} }], path), (err: Error) => errorPath(err) === 'train_metrics_list[0]' && /^unknown metric 'Nope'/.test(err.message));
  });

  it('a {Name: params} entry passes its params to the factory ({} when they are not a mapping)', () => {
    const seen: Array<Record<string, unknown>> = [];
    // override: true, so that running the test again in the same process (StrykerJS does) registers afresh.
    registerMetric(
      'MetricsTestParams',
      (params) => {
        seen.push(params);
        return new TopKAccuracy(3, 'MetricsTestParams');
      },
      { override: true },
    );
    createMetrics([{ MetricsTestParams: { k: 3, extra: 'x' } }, { MetricsTestParams: 3 }, 'MetricsTestParams'], path);
    assert.deepEqual(seen, [{ k: 3, extra: 'x' }, {}, {}]);
    assert.throws(() => registerMetric('MetricsTestParams', () => new TopKAccuracy(1, 'x')), /metric 'MetricsTestParams' is already registered/);
    registerMetric('MetricsTestParams', () => new TopKAccuracy(4, 'Replaced'), { override: true });
    assert.equal(createMetrics(['MetricsTestParams'], path)[0].name, 'Replaced');
  });

  it('anything else is refused at its index: two-key mappings, null, numbers, objects without update()', () => {
    for (const [item, shown] of [
      [{ Accuracy: {}, Top5: {} }, '{"Accuracy":{},"Top5":{}} (object)'],
      [null, 'null'],
      [3, '3 (number)'],
      [{}, '{} (object)'],
    ] as const) {
      assert.throws(() => createMetrics(['Accuracy', item], path), {
        name: 'TypeError',
        message: `Expected a metric name or a Metric for train_metrics_list[1] but received ${shown}`,
        path: 'train_metrics_list[1]',
      });
    }
  });
});
