/**
 * simulateLr's own work (lib/training/simulate-lr.ts), apart from the schedules it replays: its
 * option checks, the stand-in groups it builds from initial_lr and the optimizer's options, group
 * names, what it returns besides the LR table.
 */
import assert from 'node:assert/strict';

import { errorPath } from '../../lib/errors';
import { LrParamGroup, simulateLr } from '../../lib/training';

const base = { max_epochs: 2, loss: 'CrossEntropyLoss', initial_lr: 0.1 };
/** A StepLR whose only milestone is never reached: it writes the LR (through the protocol) at each epoch's end. */
const stepAtEpochEnd = { lr_mode: 'step', lr_updates: [99], lr_decay_factor: 0.5 };

/** A model with the seed's protocol that records the groups it is handed and leaves them as they are. */
function recordingNet(): { seen: LrParamGroup[][]; updateParamGroups: (groups: LrParamGroup[]) => LrParamGroup[] } {
  const seen: LrParamGroup[][] = [];
  return {
    seen,
    updateParamGroups(groups: LrParamGroup[]) {
      seen.push(groups.map((g) => ({ ...g })));
      return groups;
    },
  };
}

describe('simulateLr: options and stand-in groups', () => {
  it('trainLoaderLen must be a positive integer; validLoaderLen an integer ≥ 0 or null', () => {
    for (const bad of [0, -1, 1.5, '3', undefined]) {
      assert.throws(() => simulateLr(base, { trainLoaderLen: bad as number }), { name: 'TypeError', message: `simulateLr: trainLoaderLen must be a positive integer, got ${bad}` });
    }
    assert.equal(simulateLr(base, { trainLoaderLen: 1 }).batchesPerEpoch, 1);
    assert.throws(() => simulateLr(base, { trainLoaderLen: 1, validLoaderLen: 1.5 }), {
      name: 'TypeError',
      message: 'Expected an integer ≥ 0 or null (no validation loader) for simulateLr options.validLoaderLen but received 1.5 (number)',
    });
    for (const ok of [null, 0, 3]) assert.equal(simulateLr(base, { trainLoaderLen: 2, validLoaderLen: ok }).steps.length, 4);
  });

  it('validLoaderLen null: no validation, so a VALIDATION_EPOCH_START scheduler never steps; undefined or 0: it steps every epoch', () => {
    const params = { ...base, max_epochs: 3, lr_mode: { StepLR: { step_size: 1, gamma: 0.5, phase: 'VALIDATION_EPOCH_START' } } };
    assert.deepEqual(simulateLr(params, { trainLoaderLen: 1, validLoaderLen: null }).epochEnd.default, [0.1, 0.1, 0.1]);
    assert.deepEqual(simulateLr(params, { trainLoaderLen: 1 }).epochEnd.default, [0.05, 0.025, 0.0125]);
    assert.deepEqual(simulateLr(params, { trainLoaderLen: 1, validLoaderLen: 0 }).epochEnd.default, [0.05, 0.025, 0.0125]);
  });

  it('an initial_lr mapping: one group per name, default last; without default no default group', () => {
    const sim = simulateLr({ ...base, initial_lr: { b: 0.2, default: 0.1, a: 0.3 } }, { trainLoaderLen: 1 });
    assert.deepEqual(sim.groups, ['b', 'a', 'default']);
    assert.deepEqual(sim.steps[0].lr, { b: 0.2, a: 0.3, default: 0.1 });
    const only = simulateLr({ ...base, initial_lr: { head: 0.5 } }, { trainLoaderLen: 1 });
    assert.deepEqual(only.groups, ['head']);
    assert.deepEqual(Object.keys(only.lr), ['head']);
    assert.deepEqual(only.epochEnd, { head: [0.5, 0.5] });
  });

  it('the stand-in groups carry the optimizer options buildOptimizer would give them (defaults, SG defaults, optimizer_params), not its lr', () => {
    const net = recordingNet();
    simulateLr({ ...base, ...stepAtEpochEnd, max_epochs: 1, optimizer: 'SGD', optimizer_params: { momentum: 0.8, lr: 5, nesterov: true } }, { trainLoaderLen: 1, net });
    const [group] = net.seen[0];
    assert.equal(group.name, 'default');
    assert.equal(group.lr, 0.1);
    assert.equal(group.momentum, 0.8);
    assert.equal(group.nesterov, true);
    assert.equal(group.dampening, 0);
    const adam = recordingNet();
    simulateLr({ ...base, ...stepAtEpochEnd, max_epochs: 1, optimizer: 'Adam', initial_lr: { default: 0.1, head: 0.2 } }, { trainLoaderLen: 1, net: adam });
    assert.deepEqual(
      adam.seen[0].map((g) => [g.name, g.lr]),
      [
        ['head', 0.2],
        ['default', 0.1],
      ],
    );
    for (const g of adam.seen[0]) assert.deepEqual(g.betas, [0.9, 0.999]);
    const plain = recordingNet();
    simulateLr({ ...base, ...stepAtEpochEnd, max_epochs: 1, optimizer_params: null }, { trainLoaderLen: 1, net: plain });
    assert.equal(plain.seen[0][0].lr, 0.1);
    assert.equal(plain.seen[0][0].momentum, 0.9, "SuperGradients' SGD default");
  });

  it('given groups are copied, not changed; unnamed groups are named group_<index>; the first group of a name reports it', () => {
    const groups: LrParamGroup[] = [{ lr: 1 }, { lr: 2 }];
    const sim = simulateLr({ ...base, lr_mode: 'step', lr_updates: [0], lr_decay_factor: 0.5 }, { trainLoaderLen: 1, groups });
    assert.deepEqual(groups, [{ lr: 1 }, { lr: 2 }]);
    assert.deepEqual(sim.groups, ['group_0', 'group_1']);
    // Unnamed groups are 'default' to the LR callbacks: both follow initial_lr.
    assert.deepEqual(sim.epochEnd, { group_0: [0.05, 0.05], group_1: [0.05, 0.05] });
    const net = { updateParamGroups: (gs: LrParamGroup[]) => gs.map((g, i) => ({ ...g, lr: [1, 2, 3][i] })) };
    const named = simulateLr({ ...base, ...stepAtEpochEnd }, { trainLoaderLen: 2, net, groups: [{ name: 'x', lr: 0 }, { name: 'x', lr: 0 }, { name: 'y', lr: 0 }] });
    assert.deepEqual(named.groups, ['x', 'y']);
    // The first epoch's steps ran before the first write; the second epoch's see it.
    assert.deepEqual(named.steps[0].lr, { x: 0, y: 0 });
    assert.deepEqual(named.steps[2].lr, { x: 1, y: 3 });
    assert.deepEqual(named.epochEnd, { x: [1, 1], y: [3, 3] });
  });

  it('returns epochs, batches per epoch (max_train_batches), every step in order and the metrics it held constant', () => {
    const sim = simulateLr({ ...base, max_epochs: 3, max_train_batches: 2 }, { trainLoaderLen: 4 });
    assert.equal(sim.epochs, 3);
    assert.equal(sim.batchesPerEpoch, 2);
    assert.deepEqual(
      sim.steps.map((s) => [s.epoch, s.batch]),
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
        [2, 0],
        [2, 1],
      ],
    );
    assert.deepEqual(sim.lr.default, [
      [0.1, 0.1],
      [0.1, 0.1],
      [0.1, 0.1],
    ]);
    assert.deepEqual(sim.constantMetrics, []);
    const plateau = { ...base, lr_mode: { ReduceLROnPlateau: { phase: 'TRAIN_EPOCH_END', metric_name: 'loss', patience: 0 } } };
    assert.deepEqual(simulateLr(plateau, { trainLoaderLen: 1 }).constantMetrics, ['loss']);
    assert.deepEqual(simulateLr(plateau, { trainLoaderLen: 1, metrics: (e) => ({ loss: 1 - e / 10 }) }).constantMetrics, []);
  });

  it('metrics(epoch) must return an object of numbers (NaN refused)', () => {
    const plateau = { ...base, lr_mode: { ReduceLROnPlateau: { phase: 'TRAIN_EPOCH_END', metric_name: 'loss', patience: 0 } } };
    assert.throws(() => simulateLr(plateau, { trainLoaderLen: 1, metrics: () => 3 as never }), {
      name: 'TypeError',
      message: 'Expected an object {metric name: number} for simulateLr options.metrics(0) but received 3 (number)',
    });
    assert.throws(() => simulateLr(plateau, { trainLoaderLen: 1, metrics: (e) => ({ loss: e === 1 ? NaN : 1 }) }), {
      name: 'TypeError',
      message: 'Expected a number for simulateLr options.metrics(1).loss but received NaN (number)',
    });
  });

  it('training params: any object (its own keys), loss optional, initial_lr required; phase_callbacks named in errors', () => {
    class Params {
      max_epochs = 2;
      initial_lr = 0.3;
    }
    assert.deepEqual(simulateLr(new Params() as unknown as Record<string, unknown>, { trainLoaderLen: 1 }).epochEnd.default, [0.3, 0.3]);
    assert.throws(() => simulateLr({ max_epochs: 1, initial_lr: undefined }, { trainLoaderLen: 1 }), { name: 'TypeError', message: 'training_params.initial_lr is required' });
    assert.throws(
      () => simulateLr({ ...base, phase_callbacks: ['NoSuchCallbackForSimulateLr'] }, { trainLoaderLen: 1 }),
      (err: Error) => errorPath(err) === 'training_params.phase_callbacks[0]' && /^training_params\.phase_callbacks\[0\]: unknown callback 'NoSuchCallbackForSimulateLr'/.test(err.message),
    );
  });
});
