import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';
import { createMetrics, TopKAccuracy } from '../../lib/training';

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
});
