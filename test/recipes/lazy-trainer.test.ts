/**
 * What the Trainer reads of a recipe's unresolved values (issue 14): a value it uses fails the
 * run with the recipe's error (key, file:line, why) before any batch; a value it never reads
 * does not stop it.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import * as nn from '../../lib/nn';
import { loadRecipe, unresolvedValues } from '../../lib/recipes';
import * as sg from '../../lib/tensor';
import { Callback, mergeTrainingParams, registerCallback, simulateLr, Trainer } from '../../lib/training';
import { recipeFolder, yaml } from './fixtures';

/** The params each LazyDecodeCallback got, and what its decoder was (read in the constructor). */
const decoders: unknown[] = [];

@registerCallback()
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- registered by its decorator, used by name
class LazyDecodeCallback extends Callback {
  constructor(params: { decoder?: unknown } = {}) {
    super();
    decoders.push(params.decoder);
  }
}

/** `length` batches of 4 random samples for a 3 → 2 linear model. */
const loader = (length: number) => ({
  length,
  *[Symbol.iterator]() {
    for (let i = 0; i < length; i++) yield [sg.randn([4, 3]), sg.randn([4, 2])] as [sg.Tensor, sg.Tensor];
  },
});

const PARAMS = [
  'max_epochs: 1',
  'initial_lr: 0.01',
  'loss: MSELoss',
  'save_model: false',
  'silent_mode: true',
  'sg_logger_params:',
  '  project_name: ${arch_params.project}',
];
const dir = recipeFolder({
  'training_hyperparams/unused.yaml': yaml(...PARAMS, 'unread_top_level: ${dataset_params.num_joints}'),
  'training_hyperparams/callback_target.yaml': yaml(
    ...PARAMS,
    'phase_callbacks:',
    '  - LazyDecodeCallback:',
    '      decoder:',
    '        _target_: my_pose.decoders.PoseDecoder',
    '        num_joints: 17',
  ),
  'training_hyperparams/callback_node.yaml': yaml(...PARAMS, 'phase_callbacks:', '  - _target_: my_pose.callbacks.Rescoring'),
  'training_hyperparams/lr_missing.yaml': yaml(...PARAMS.filter((l) => !l.startsWith('initial_lr')), 'initial_lr: ${arch_params.lr}'),
});
const load = (name: string, overrides: string[] = []) => loadRecipe(`training_hyperparams/${name}`, { searchPath: [dir], overrides });
const file = (name: string) => path.join(dir, 'training_hyperparams', `${name}.yaml`);

async function train(trainingParams: Record<string, unknown>): Promise<void> {
  const trainer = new Trainer({ experimentName: 'lazy', ckptRootDir: fs.mkdtempSync(path.join(dir, 'run-')) });
  await trainer.train({ model: new nn.Linear(3, 2), trainingParams, trainLoader: loader(2) });
}

describe('recipes: the Trainer reads unresolved values only where it uses them', () => {
  it('values it never reads (sg_logger_params, an unknown top-level key) do not stop a run', async () => {
    const tp = load('unused');
    assert.deepEqual(unresolvedValues(tp).map((u) => u.key), ['sg_logger_params.project_name', 'unread_top_level']);
    await train(tp);
    assert.deepEqual(simulateLr(tp, { trainLoaderLen: 2 }).lr.default[0], [0.01, 0.01]);
    // The merged params keep them unread, still failing when read, still written as raw.
    const merged = mergeTrainingParams(tp);
    assert.throws(() => (merged.sg_logger_params as Record<string, unknown>).project_name, { message: `${file('unused')}:7: unresolved interpolation \${arch_params.project}: no key 'arch_params' (in sg_logger_params.project_name)` });
    assert.throws(() => merged.unread_top_level, /unused\.yaml:8: unresolved interpolation \$\{dataset_params\.num_joints\}: no key 'dataset_params' \(in unread_top_level\)/);
    const json = JSON.parse(JSON.stringify(merged)) as Record<string, Record<string, unknown>>;
    assert.equal(json.sg_logger_params.project_name, '${arch_params.project}');
    assert.equal(json.sg_logger_params.launch_tensorboard, false, 'merged over the defaults');
    assert.equal(json.unread_top_level as unknown, '${dataset_params.num_joints}');
  });

  it('a callback reading an unknown _target_ in its params fails the run naming the key and file', async () => {
    decoders.length = 0;
    await assert.rejects(train(load('callback_target')), {
      message: `${file('callback_target')}:11: unknown _target_ 'my_pose.decoders.PoseDecoder'; known: super_gradients.training.utils.utils.empty_list, empty_list, numpy.arange, np.arange, arange, super_gradients.training.sg_trainer.StrictLoad, super_gradients.common.data_types.enum.StrictLoad, super_gradients.common.data_types.enum.strict_load.StrictLoad (at phase_callbacks.0.LazyDecodeCallback.decoder)`,
    });
    assert.deepEqual(decoders, [], 'the constructor did not get past reading it');
    // An override replacing the node fixes it.
    await train(load('callback_target', ['phase_callbacks.0.LazyDecodeCallback.decoder=plain']));
    assert.deepEqual(decoders, ['plain']);
  });

  it('a phase_callbacks entry that is an unknown _target_ fails the run when the Trainer builds the callbacks', async () => {
    await assert.rejects(train(load('callback_node')), (err: Error) => {
      assert.match(err.message, /callback_node\.yaml:9: unknown _target_ 'my_pose\.callbacks\.Rescoring'; known: .* \(at phase_callbacks\.0\)$/);
      return true;
    });
    await train(load('callback_node', ['phase_callbacks=[]']));
  });

  it('an lr pointing to a missing key fails the run and simulateLr; an override supplies it', async () => {
    const message = `${file('lr_missing')}:7: unresolved interpolation \${arch_params.lr}: no key 'arch_params' (in initial_lr)`;
    await assert.rejects(train(load('lr_missing')), { message });
    assert.throws(() => simulateLr(load('lr_missing'), { trainLoaderLen: 2 }), { message });
    const fixed = load('lr_missing', ['+arch_params.lr=0.25', '+arch_params.project=p']);
    assert.equal(simulateLr(fixed, { trainLoaderLen: 2 }).lr.default[0][0], 0.25);
    await train(fixed);
  });
});
