/**
 * The callback mechanism on its own (lib/training/callbacks.ts): SuperGradients' Phase names,
 * PhaseCallback's phase → event map (SG's base_callbacks.py, written out here rather than read
 * from PHASE_EVENTS, so a changed entry fails), and CallbackHandler's forwarding. StrykerJS found
 * them tested only through the LR callbacks (two phases).
 */
import assert from 'node:assert/strict';

import { Callback, CallbackHandler, EventName, Phase, PhaseCallback, PhaseContext } from '../../lib/training';

/** SG's PhaseCallback: the event on which each phase's callback runs. */
const SG_PHASE_EVENTS: Array<[string, EventName]> = [
  ['PRE_TRAINING', 'onTrainingStart'],
  ['TRAIN_EPOCH_START', 'onTrainLoaderStart'],
  ['TRAIN_BATCH_END', 'onTrainBatchLossEnd'],
  ['TRAIN_BATCH_STEP', 'onTrainBatchGradientStepEnd'],
  ['TRAIN_EPOCH_END', 'onTrainLoaderEnd'],
  ['VALIDATION_EPOCH_START', 'onValidationLoaderStart'],
  ['VALIDATION_BATCH_END', 'onValidationBatchEnd'],
  ['VALIDATION_EPOCH_END', 'onValidationLoaderEnd'],
  ['TEST_BATCH_END', 'onTestBatchEnd'],
  ['TEST_END', 'onTestLoaderEnd'],
  ['POST_TRAINING', 'onTrainingEnd'],
];

const EVENTS: EventName[] = [
  'onTrainingStart',
  'onTrainLoaderStart',
  'onTrainBatchStart',
  'onTrainBatchLossEnd',
  'onTrainBatchBackwardEnd',
  'onTrainBatchGradientStepStart',
  'onTrainBatchGradientStepEnd',
  'onTrainBatchEnd',
  'onTrainLoaderEnd',
  'onValidationLoaderStart',
  'onValidationBatchEnd',
  'onValidationLoaderEnd',
  'onTestLoaderStart',
  'onTestBatchEnd',
  'onTestLoaderEnd',
  'onTrainingEnd',
];

const ctx = (epoch: number): PhaseContext => ({ epoch, batchIdx: null, optimizer: { paramGroups: [] }, metrics: {}, lrWarmupEpochs: 0, trainingParams: {}, trainLoaderLen: 1 });

class Recording extends PhaseCallback {
  calls: number[] = [];
  call(c: PhaseContext): void {
    this.calls.push(c.epoch);
  }
}

const fire = (cb: Callback, event: EventName, c: PhaseContext) => (cb as unknown as Record<EventName, (c: PhaseContext) => void>)[event](c);

describe('training: phases and callbacks', () => {
  it("Phase's values are SG's phase names", () => {
    assert.deepEqual(Object.entries(Phase), SG_PHASE_EVENTS.map(([name]) => [name, name]));
  });

  it("a PhaseCallback runs on its phase's event only, with the context it is given", () => {
    for (const [phase, event] of SG_PHASE_EVENTS) {
      const cb = new Recording(phase as Phase);
      assert.equal(cb.phase, phase);
      EVENTS.forEach((e, i) => fire(cb, e, ctx(i)));
      assert.deepEqual(cb.calls, [EVENTS.indexOf(event)], `${phase} runs on ${event}`);
    }
  });

  it('an unknown phase is a RangeError listing the known ones', () => {
    assert.throws(() => new Recording('TRAIN_EPOCH_BEGIN' as Phase), {
      name: 'RangeError',
      message: `unknown phase 'TRAIN_EPOCH_BEGIN'; known: ${SG_PHASE_EVENTS.map(([p]) => p).join(', ')}`,
    });
  });

  it('the base Callback does nothing on any event', () => {
    const cb = new Callback();
    for (const e of EVENTS) assert.equal(fire(cb, e, ctx(0)), undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Callback.prototype).filter((n) => n !== 'constructor'), EVENTS);
  });

  it('CallbackHandler forwards every event to each callback in list order, skipping what one lacks', () => {
    const seen: string[] = [];
    class Logs extends Callback {
      constructor(readonly label: string) {
        super();
      }
      override onTrainBatchEnd(c: PhaseContext): void {
        seen.push(`${this.label}:onTrainBatchEnd:${c.epoch}`);
      }
      override onTrainingEnd(c: PhaseContext): void {
        seen.push(`${this.label}:onTrainingEnd:${c.epoch}`);
      }
    }
    // Duck typing, as the Trainer's run logger: only the events it has, and a non-function field.
    const partial = { onTrainBatchEnd: (c: PhaseContext) => seen.push(`partial:onTrainBatchEnd:${c.epoch}`), onTrainingEnd: 'not a function' };
    const handler = new CallbackHandler([new Logs('a'), partial as unknown as Callback, new Logs('b')]);
    for (const e of EVENTS) fire(handler, e, ctx(7));
    assert.deepEqual(seen, ['a:onTrainBatchEnd:7', 'partial:onTrainBatchEnd:7', 'b:onTrainBatchEnd:7', 'a:onTrainingEnd:7', 'b:onTrainingEnd:7']);
    // Callbacks added later are called too (the Trainer pushes its run logger last).
    handler.callbacks.push(new Logs('late'));
    fire(handler, 'onTrainingEnd', ctx(8));
    assert.deepEqual(seen.slice(5), ['a:onTrainingEnd:8', 'b:onTrainingEnd:8', 'late:onTrainingEnd:8']);
  });
});
