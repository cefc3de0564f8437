/**
 * PyTorch's optimizer names (`optimizer: torch.optim.X` in a recipe, as SuperGradients imports
 * them): each resolves to our class X, exactly as PyTorch spells it; anything else is the
 * did-you-mean error over the torch.optim names we have.
 */
import assert from 'node:assert/strict';

import { BUILT_IN_OPTIMIZERS, createOptimizer, optimizerInfo, registerOptimizer, resolveOptimizer, SGD } from '../../lib/optim';
import { NAdam, NADAM_INFO, RAdam } from '../../lib/optim';
import { Linear } from '../../lib/nn';
import { buildOptimizer } from '../../lib/training/build-optimizer';
import { tensor } from '../../lib/tensor';

const TORCH_NAMES = BUILT_IN_OPTIMIZERS.filter((i) => i.reference.startsWith('torch.optim.'));

describe('optimizers by their torch.optim names', () => {
  it('every built-in whose reference is torch.optim.X resolves from that name, in createOptimizer and optimizerInfo', () => {
    for (const name of ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam', 'ASGD', 'Rprop', 'Adafactor', 'LBFGS', 'Muon']) {
      assert.ok(TORCH_NAMES.some((i) => i.name === name), `${name} is a torch.optim optimizer`);
    }
    for (const info of TORCH_NAMES) {
      const torchName = `torch.optim.${info.name}`;
      assert.equal(info.reference, torchName);
      assert.equal(resolveOptimizer(torchName), info.cls, torchName);
      assert.equal(optimizerInfo(torchName), info, torchName);
      // Muon takes matrices only (PyTorch's rule).
      const w = tensor(info.name === 'Muon' ? [[1, 2]] : [1, 2], { dtype: 'float64', requiresGrad: true });
      const opt = createOptimizer(torchName, [w], { lr: 0.01 });
      assert.ok(opt instanceof info.cls, `${torchName} builds ${info.name}`);
    }
  });

  it('a recipe-style trainingParams with optimizer: torch.optim.NAdam builds NAdam with its optimizer_params', () => {
    const opt = buildOptimizer(new Linear(3, 2), 0.01, { optimizer: 'torch.optim.NAdam', optimizer_params: { momentum_decay: 0.01 } });
    assert.ok(opt instanceof NAdam);
    assert.equal(opt.paramGroups[0].momentum_decay, 0.01);
    assert.equal(opt.paramGroups[0].lr, 0.01);
  });

  it('an unknown or misspelt torch.optim name is the did-you-mean error naming the torch.optim optimizers we have', () => {
    const known = TORCH_NAMES.map((i) => i.reference).join(', ');
    assert.throws(() => resolveOptimizer('torch.optim.RAdamm'), { message: `unknown torch.optim optimizer 'torch.optim.RAdamm'; did you mean 'torch.optim.RAdam'? known: ${known}` });
    // PyTorch's names are attributes of a module: the case matters, as for SuperGradients' import.
    assert.throws(() => createOptimizer('torch.optim.nadam', [], {}), /^Error: unknown torch\.optim optimizer 'torch\.optim\.nadam'; did you mean 'torch\.optim\.NAdam'\?/);
    assert.throws(() => resolveOptimizer('torch.optim.SparseAdam'), /^Error: optimizer 'torch\.optim\.SparseAdam' is not supported: .*no sparse tensors/);
    // Names are looked up as names only, never as properties of an object.
    for (const name of ['torch.optim.constructor', 'torch.optim.__proto__', 'torch.optim.toString']) {
      assert.throws(() => resolveOptimizer(name), (e: Error) => e.message.startsWith(`unknown torch.optim optimizer '${name}'`), name);
    }
    // Our own names keep SuperGradients' fuzzy rule.
    assert.equal(resolveOptimizer('radam'), RAdam);
    assert.equal(resolveOptimizer('NAdam'), NAdam);
    assert.equal(optimizerInfo('n_adam'), NADAM_INFO);
  });

  it('a class a user registers under a torch.optim name is found by that name first', () => {
    class MySgd extends SGD {}
    registerOptimizer('torch.optim.MySgd', MySgd);
    assert.equal(resolveOptimizer('torch.optim.MySgd'), MySgd);
  });
});
