/**
 * Every example of the seed document (shared/spec/seed-optimizers.md), in TypeScript, with the
 * same meaning: snake_case training params, camelCase methods.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, MnistDataset } from '../../lib/data';
import { MnistMlp, registerModel } from '../../lib/models';
import * as nn from '../../lib/nn';
import { Adam, AdamW, Lamb, Optimizer, ParamsOrGroups, registerOptimizer, RMSprop, RMSpropTF, SGD } from '../../lib/optim';
import { loadRecipe } from '../../lib/recipes';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { ModelEMA, Trainer } from '../../lib/training';
import { buildOptimizerAndRecord as buildOptimizer } from '../../lib/training/build-optimizer';

const loaders = () => ({
  trainLoader: new DataLoader(new MnistDataset({ split: 'train', limit: 256 }), { batch_size: 64, shuffle: true }),
  validLoader: new DataLoader(new MnistDataset({ split: 'test', limit: 100 }), { batch_size: 100 }),
});
const common = { max_epochs: 1, loss: 'CrossEntropyLoss', initial_lr: 0.01, save_model: false, silent_mode: true };

@registerOptimizer()
class CustomOptimizer extends Optimizer {
  constructor(params: ParamsOrGroups, options: { alpha: number; betas: number }) {
    super(params, { alpha: options.alpha, betas: options.betas, lr: 0.01 });
  }
  step(): void {
    sg.noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          p.sub_(p.grad.mul((group.lr as number) * (group.alpha as number) * 1000));
        }
      }
    });
  }
}

@registerModel('SeedModel')
class MyModel extends nn.Module {
  backbone = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 32), new nn.ReLU());
  decoder = new nn.Linear(32, 16);
  aux_head = new nn.Linear(16, 10);
  forward(x: Tensor): Tensor {
    return this.aux_head.forward(this.decoder.forward(this.backbone.forward(x)).relu());
  }
  initializeParamGroups(lr: number, trainingParams: Record<string, unknown>) {
    const backbone_params = { named_params: this.backbone.namedParameters(), lr: lr * (trainingParams.multiply_backbone_lr as number) };
    const layers_params = { named_params: [...this.decoder.namedParameters(), ...this.aux_head.namedParameters()], lr };
    return [backbone_params, layers_params];
  }
  updateParamGroups(paramGroups: Array<{ lr?: number }>, lr: number, _epoch: number, _iter: number | null, trainingParams: Record<string, unknown>) {
    paramGroups[0].lr = lr * (trainingParams.multiply_backbone_lr as number);
    paramGroups[1].lr = lr;
    return paramGroups;
  }
}

describe('the seed document, example by example', function () {

  it('"Set the optimizer in the code": optimizer Adam with optimizer_params {eps: 1e-3}', async () => {
    const trainer = new Trainer({ experimentName: 'seed1' });
    await trainer.train({ model: new MnistMlp(), trainingParams: { ...common, optimizer: 'Adam', optimizer_params: { eps: 1e-3 } }, ...loaders() });
    assert.ok(trainer.optimizer instanceof Adam);
    assert.equal(trainer.optimizer!.paramGroups[0].eps, 1e-3);
    assert.equal(trainer.optimizer!.paramGroups[0].weight_decay, 1e-4, "SG's Adam default weight_decay is merged under the user's params");
  });

  it('"Set the optimizer in the recipes": the same from YAML (eps: 1e-3 is a number)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-seed-'));
    fs.mkdirSync(path.join(dir, 'training_hyperparams'));
    fs.writeFileSync(path.join(dir, 'training_hyperparams', 'my_training_recipe.yaml'), 'defaults:\n  - default_train_params\nmax_epochs: 1\nloss: CrossEntropyLoss\ninitial_lr: 0.01\noptimizer: Adam\noptimizer_params:\n  eps: 1e-3\n');
    const tp = loadRecipe('training_hyperparams/my_training_recipe', { searchPath: [dir] });
    const trainer = new Trainer({ experimentName: 'seed2' });
    await trainer.train({ model: new MnistMlp(), trainingParams: { ...tp, save_model: false, silent_mode: true }, ...loaders() });
    assert.equal(trainer.optimizer!.paramGroups[0].eps, 1e-3);
  });

  it('"Use Custom Optimizers": a registered CustomOptimizer(params, alpha, betas) used from a recipe', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-seed-'));
    fs.writeFileSync(path.join(dir, 'my_training_hyperparams.yaml'), 'optimizer: CustomOptimizer\noptimizer_params:\n  alpha: 1e-3\n  betas: 1e-3\n');
    const tp = loadRecipe(path.join(dir, 'my_training_hyperparams.yaml'));
    const model = new MnistMlp();
    const before = model.parameters()[0].clone();
    const trainer = new Trainer({ experimentName: 'seed3' });
    await trainer.train({ model, trainingParams: { ...common, ...tp }, ...loaders() });
    assert.ok(trainer.optimizer instanceof CustomOptimizer);
    assert.equal(trainer.optimizer!.paramGroups[0].alpha, 1e-3);
    assert.notDeepEqual(model.parameters()[0].toArray(), before.toArray(), 'the custom step ran');
  });

  it('"Customize learning rate for different model blocks": initializeParamGroups/updateParamGroups with multiply_backbone_lr', async () => {
    const trainer = new Trainer({ experimentName: 'seed4' });
    const model = new MyModel();
    await trainer.train({
      model,
      trainingParams: { ...common, max_epochs: 2, multiply_backbone_lr: 10, optimizer: 'SGD', optimizer_params: {}, lr_mode: 'cosine', lr_warmup_epochs: 1 },
      ...loaders(),
    });
    const [backbone, layers] = trainer.optimizer!.paramGroups;
    assert.equal(backbone.params.length, 2);
    assert.equal(layers.params.length, 4);
    assert.ok(Math.abs((backbone.lr as number) - 10 * (layers.lr as number)) < 1e-15);
  });
});

describe('SG default optimizer_params per class (§2)', () => {
  const w = () => [sg.zeros([2], { requiresGrad: true })];
  const build = (optimizer: string, user: Record<string, unknown> = {}) => {
    const tp: Record<string, unknown> = { optimizer, optimizer_params: user };
    const model = new nn.Linear(2, 2);
    return { opt: buildOptimizer(model, 0.1, tp), tp };
  };
  it('SGD, RMSprop, RMSpropTF: momentum 0.9 and weight_decay 1e-4; Adam: weight_decay 1e-4; AdamW, Lamb, Lion: constructor defaults', () => {
    void w;
    assert.deepEqual(build('SGD').tp.optimizer_params, { weight_decay: 1e-4, momentum: 0.9 });
    assert.ok(build('RMSprop').opt instanceof RMSprop);
    assert.deepEqual(build('RMSprop').tp.optimizer_params, { weight_decay: 1e-4, momentum: 0.9 });
    assert.deepEqual(build('RMSpropTF').tp.optimizer_params, { weight_decay: 1e-4, momentum: 0.9 });
    assert.deepEqual(build('Adam').tp.optimizer_params, { weight_decay: 1e-4 });
    assert.deepEqual(build('AdamW').tp.optimizer_params, {});
    assert.ok(build('AdamW').opt instanceof AdamW);
    assert.equal(build('AdamW').opt.paramGroups[0].weight_decay, 0.01);
    assert.equal(build('Lamb').opt.paramGroups[0].weight_decay, 0.01);
    assert.ok(build('Lamb').opt instanceof Lamb);
    assert.equal(build('Lion').opt.paramGroups[0].weight_decay, 0);
    assert.deepEqual(build('SGD', { momentum: 0.5 }).tp.optimizer_params, { weight_decay: 1e-4, momentum: 0.5 }, "the user's value wins");
    assert.ok(build('SGD').opt instanceof SGD);
    assert.ok(build('RMSpropTF').opt instanceof RMSpropTF);
  });
});

describe('EMA', () => {
  it("follows SG's decay schedules and averages the weights", () => {
    const model = new nn.Linear(1, 1, { bias: false });
    sg.noGrad(() => model.weight.fill_(0));
    const ema = new ModelEMA(model, { decay: 0.5, decay_type: 'constant' });
    sg.noGrad(() => model.weight.fill_(1));
    ema.update(model, 1, 10);
    assert.deepEqual(ema.state.weight.toArray(), [0.5]);
    assert.equal(new ModelEMA(model, { decay: 0.9999, decay_type: 'threshold' }).decayAt(0, 100), 0.1);
    const exp = new ModelEMA(model, { decay: 0.9999, decay_type: 'exp', beta: 15 });
    assert.ok(Math.abs(exp.decayAt(50, 100) - 0.9999 * (1 - Math.exp(-7.5))) < 1e-15);
    const value = ema.withAveragedWeights(model, () => model.weight.toArray()[0]);
    assert.equal(value, 0.5);
    assert.equal(model.weight.toArray()[0], 1, 'the trained weights are back');
  });
});
