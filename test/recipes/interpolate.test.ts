import assert from 'node:assert/strict';
import * as path from 'path';

import { loadRecipe } from '../../lib/recipes';
import { at, recipeFolder, yaml } from './fixtures';

describe('recipes: ${...} interpolation', () => {
  const dir = recipeFolder({
    'training_hyperparams/t.yaml': yaml('initial_lr: 0.1', 'max_lr: ${.initial_lr}', 'milestones: [3, 6]'),
    'r.yaml': yaml(
      'defaults:',
      '  - training_hyperparams: t',
      '  - _self_',
      '',
      'experiment_name: lenet_lr${training_hyperparams.initial_lr}_e${n_epochs}',
      'n_epochs: 4',
      'lr_copy: ${training_hyperparams.initial_lr}',
      'milestones: ${training_hyperparams.milestones}',
      'first_milestone: ${training_hyperparams.milestones[0]}',
      'second_milestone: ${training_hyperparams.milestones.1}',
      'whole_group: ${training_hyperparams}',
      'chain: ${lr_copy}',
      'flag: true',
      'flag_text: on=${flag}',
      'nested:',
      '  a: 1',
      '  b: ${.a}',
      '  deeper:',
      '    c: ${..a}',
      '    d: ${nested.deeper.c}',
      'list_text: m=${milestones}',
      'escaped: \\${not.a.key}',
      'sum: ${add:${n_epochs},2}',
      'pick: ${cond:${flag},yes,no}',
      'last_milestone: ${last:${milestones}}',
      'picked: ${oc.select:missing.key,7}',
      'key_from_key: ${${which}}',
      'which: n_epochs',
    ),
  });
  let cfg: Record<string, unknown>;
  before(() => {
    cfg = loadRecipe(path.join(dir, 'r.yaml'));
  });

  it('a whole-string interpolation keeps the type of what it refers to', () => {
    assert.equal(cfg.lr_copy, 0.1);
    assert.deepEqual(cfg.milestones, [3, 6]);
    assert.equal(cfg.first_milestone, 3);
    assert.equal(cfg.second_milestone, 6);
    assert.deepEqual(cfg.whole_group, { initial_lr: 0.1, max_lr: 0.1, milestones: [3, 6] }, 'a mapping, itself resolved');
    assert.equal(cfg.chain, 0.1, 'an interpolation that refers to an interpolation');
    assert.equal(cfg.key_from_key, 4, 'a nested interpolation builds the key');
  });

  it('inside a longer string the value is written as text', () => {
    assert.equal(cfg.experiment_name, 'lenet_lr0.1_e4');
    assert.equal(cfg.flag_text, 'on=true');
    assert.equal(cfg.list_text, 'm=[3,6]');
    assert.equal(cfg.escaped, '${not.a.key}', '\\${ is a literal');
  });

  it('relative forms: ${.x} a sibling, ${..x} a key of the parent, also inside group files', () => {
    assert.deepEqual(cfg.nested, { a: 1, b: 1, deeper: { c: 1, d: 1 } });
    assert.equal(at(cfg, 'training_hyperparams').max_lr, 0.1);
  });

  it('resolvers: add, cond, last, oc.select and oc.env', () => {
    assert.equal(cfg.sum, 6);
    assert.equal(cfg.pick, 'yes');
    assert.equal(cfg.last_milestone, 6);
    assert.equal(cfg.picked, 7);
    process.env.SG_RECIPES_TEST_VAR = '/data/here';
    try {
      const d = recipeFolder({ 'e.yaml': yaml('root: ${oc.env:SG_RECIPES_TEST_VAR}', 'other: ${oc.env:SG_RECIPES_TEST_UNSET,fallback}') });
      assert.deepEqual(loadRecipe(path.join(d, 'e.yaml')), { root: '/data/here', other: 'fallback' });
    } finally {
      delete process.env.SG_RECIPES_TEST_VAR;
    }
  });

  it('is resolved after merging and overrides: a changed key changes what refers to it', () => {
    const o = loadRecipe(path.join(dir, 'r.yaml'), { overrides: ['training_hyperparams.initial_lr=0.5', 'n_epochs=9'] });
    assert.equal(o.lr_copy, 0.5);
    assert.equal(at(o, 'training_hyperparams').max_lr, 0.5);
    assert.equal(o.experiment_name, 'lenet_lr0.5_e9');
  });

  it('an override value may itself interpolate', () => {
    const o = loadRecipe(path.join(dir, 'r.yaml'), { overrides: ['+copy_of_epochs=${n_epochs}'] });
    assert.equal(o.copy_of_epochs, 4);
  });
});
