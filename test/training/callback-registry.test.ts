import assert from 'node:assert/strict';
import * as path from 'path';

import * as nn from '../../lib/nn';
import { loadRecipe } from '../../lib/recipes';
import * as sg from '../../lib/tensor';
import { Callback, CALLBACKS, createCallback, createCallbacks, listCallbacks, PhaseContext, registerCallback, simulateLr, Trainer } from '../../lib/training';
import { recipeFolder, yaml } from '../recipes/fixtures';

/** What the registered callbacks saw, per instance label. */
const steps: Record<string, number> = {};
const constructedWith: Array<Record<string, unknown> | undefined> = [];

@registerCallback()
class CountSteps extends Callback {
  readonly label: string;
  constructor(params: { label?: string } = {}) {
    super();
    constructedWith.push(params);
    this.label = params.label ?? 'plain';
    steps[this.label] = 0;
  }
  override onTrainBatchGradientStepEnd(_ctx: PhaseContext): void {
    steps[this.label] += 1;
  }
}

class SetLrAtStart extends Callback {
  constructor(readonly params: { lr?: number } = {}) {
    super();
  }
  override onTrainingStart(ctx: PhaseContext): void {
    ctx.optimizer.paramGroups.forEach((g) => (g.lr = this.params.lr));
  }
}
registerCallback('SetLrAtStart', SetLrAtStart);

/** `length` batches of 4 random samples for a 3 → 2 linear model. */
const loader = (length: number) => ({
  length,
  *[Symbol.iterator]() {
    for (let i = 0; i < length; i++) yield [sg.randn([4, 3]), sg.randn([4, 2])] as [sg.Tensor, sg.Tensor];
  },
});

describe('training: phase_callbacks by name (the callbacks registry)', function () {

  it('names, {Name: params} and instances become callbacks; params reach the constructor', () => {
    constructedWith.length = 0;
    const mine = new CountSteps({ label: 'instance' });
    const made = createCallbacks(['CountSteps', { CountSteps: { label: 'x' } }, { CountSteps: null }, mine]);
    assert.equal(made.length, 4);
    assert.ok(made.every((c) => c instanceof CountSteps));
    assert.equal(made[3], mine, 'an instance passes through');
    assert.deepEqual(constructedWith, [{ label: 'instance' }, {}, { label: 'x' }, {}]);
    assert.equal((made[1] as CountSteps).label, 'x');
    assert.deepEqual(createCallbacks(null), []);
    assert.ok(listCallbacks().includes('CountSteps') && listCallbacks().includes('SetLrAtStart'));
    // SuperGradients' fuzzy rule, as for optimizers.
    assert.ok(createCallback('count_steps') instanceof CountSteps);
  });

  it('a recipe’s phase_callbacks are built and run by the Trainer', async () => {
    const dir = recipeFolder({
      'r.yaml': yaml(
        'training_hyperparams:',
        '  max_epochs: 2',
        '  initial_lr: 0.01',
        '  loss: MSELoss',
        '  phase_callbacks:',
        '    - CountSteps',
        '    - CountSteps:',
        '        label: recipe',
        '  batch_accumulate: 2',
        '  save_model: false',
        '  silent_mode: true',
      ),
    });
    const config = loadRecipe(path.join(dir, 'r.yaml'));
    const trainingParams = config.training_hyperparams as Record<string, unknown>;
    assert.deepEqual(trainingParams.phase_callbacks, ['CountSteps', { CountSteps: { label: 'recipe' } }], 'the recipe keeps names (plain data)');
    const trainer = new Trainer({ experimentName: 'callbacks', ckptRootDir: dir });
    await trainer.train({ model: new nn.Linear(3, 2), trainingParams, trainLoader: loader(6) });
    // 2 epochs × 6 batches / batch_accumulate 2 = 6 optimizer steps, seen by both instances.
    assert.equal(steps.plain, 6);
    assert.equal(steps.recipe, 6);
  });

  it('simulateLr builds them too: a registered callback changes the simulated LR', () => {
    const sim = simulateLr({ max_epochs: 1, initial_lr: 0.1, phase_callbacks: [{ SetLrAtStart: { lr: 0.25 } }] }, { trainLoaderLen: 3 });
    assert.deepEqual(sim.lr.default[0], [0.25, 0.25, 0.25]);
  });

  it('an unknown name is an error with did-you-mean and the known names; other shapes are TypeErrors', async () => {
    assert.throws(() => createCallbacks(['CountStep']), (err: Error) => {
      assert.match(err.message, /^training_params\.phase_callbacks\[0\]: unknown callback 'CountStep'; did you mean 'CountSteps'\? known: .*CountSteps/);
      assert.match(err.message, /SetLrAtStart/);
      return true;
    });
    assert.throws(() => createCallbacks([{ Nope: {} }]), /^Error: training_params\.phase_callbacks\[0\]: unknown callback 'Nope'; known: /);
    assert.throws(() => createCallbacks([42]), { name: 'TypeError', message: /for training_params\.phase_callbacks\[0\] but received 42 \(number\)/ });
    assert.throws(() => createCallbacks([{ CountSteps: {}, SetLrAtStart: {} }]), { name: 'TypeError', message: /\{Name: params\} mapping with one key/ });
    assert.throws(() => createCallbacks([{ CountSteps: 3 }]), { name: 'TypeError', message: /training_params\.phase_callbacks\[0\]\.CountSteps but received 3/ });
    assert.throws(() => createCallbacks('CountSteps'), { name: 'TypeError', message: /an array of callbacks/ });
    // Through the Trainer, before any batch runs.
    const trainer = new Trainer({ experimentName: 'bad-callback', ckptRootDir: null });
    await assert.rejects(
      trainer.train({ model: new nn.Linear(3, 2), trainingParams: { max_epochs: 1, initial_lr: 0.1, loss: 'MSELoss', phase_callbacks: ['CountStepz'], save_model: false, silent_mode: true }, trainLoader: loader(1) }),
      /unknown callback 'CountStepz'; did you mean 'CountSteps'\?/,
    );
  });

  it('null, undefined and `{Name: undefined}` are no callbacks / no params; params must be a mapping (exact message)', () => {
    assert.deepEqual(createCallbacks(undefined), []);
    constructedWith.length = 0;
    assert.ok(createCallback({ CountSteps: undefined }) instanceof CountSteps);
    assert.deepEqual(constructedWith, [{}]);
    assert.throws(() => createCallback({ CountSteps: 'x' }, 'cb'), { name: 'TypeError', message: "Expected a mapping of constructor params for cb.CountSteps but received 'x' (string)" });
    assert.throws(() => createCallback({ CountSteps: [] }), { name: 'TypeError', message: 'Expected a mapping of constructor params for callback.CountSteps but received [] (array)' });
  });

  it('an instance of any class with an event method passes through; one without (or an array) is refused', () => {
    class OnlyEnd {
      ends = 0;
      onTrainingEnd(): void {
        this.ends++;
      }
    }
    const duck = new OnlyEnd();
    assert.equal(createCallback(duck), duck);
    class NoEvents {
      run(): void {}
    }
    class EventNotAMethod {
      onTrainingEnd = 3;
    }
    const refused = (shown: string) => `Expected a callback name, a {Name: params} mapping with one key or a Callback instance for cb but received ${shown}`;
    assert.throws(() => createCallback(new NoEvents(), 'cb'), { name: 'TypeError', message: refused('an instance of NoEvents') });
    assert.throws(() => createCallback(new EventNotAMethod(), 'cb'), { name: 'TypeError', message: refused('an instance of EventNotAMethod') });
    assert.throws(() => createCallback([duck], 'cb'), { name: 'TypeError', message: /^Expected a callback name, .* for cb but received \[.*\] \(array\)$/ });
  });

  it('with no callback registered at all, an unknown name says how to register one', () => {
    // The registry of this process is emptied for the check and restored (registrations are global).
    const entries = (CALLBACKS as unknown as { entries: Map<string, unknown> }).entries;
    const saved = [...entries];
    entries.clear();
    try {
      assert.throws(() => createCallbacks(['CountSteps']), {
        name: 'Error',
        message: "training_params.phase_callbacks[0]: unknown callback 'CountSteps'; no callbacks are registered (register one with sg.training.registerCallback, or load it with sg-optim --require)",
      });
    } finally {
      for (const [k, v] of saved) entries.set(k, v);
    }
    assert.ok(createCallback('CountSteps') instanceof CountSteps);
  });
});
