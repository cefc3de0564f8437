/**
 * createLoss (training_params.loss + criterion_params): each name builds the loss PyTorch computes
 * with the given options, the other accepted forms (function, object with forward(), {Name:
 * params}) and the errors. Values are computed by hand from the definitions; StrykerJS found the
 * options and most of these forms untested (npm run mutate:ts, lib/training/losses.ts).
 */
import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';
import { createLoss, LossFunction, registerLoss } from '../../lib/training';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual}, expected ${expected}`);
const value = (loss: LossFunction, output: sg.Tensor, target: sg.Tensor) => loss(output, target).item() as number;
const values = (loss: LossFunction, output: sg.Tensor, target: sg.Tensor) => loss(output, target).toArray();

// Logits [1, 0] for two classes: -log_softmax = [log(1 + e) - 1, log(1 + e)].
const CE0 = Math.log(1 + Math.E) - 1; // 0.3133, the true class is the first
const CE1 = Math.log(1 + Math.E); // 1.3133, the true class is the second
const logits = () => sg.tensor([[1, 0], [1, 0]], { dtype: 'float64' });
const classes = (t: number[]) => sg.tensor(t, { dtype: 'int64' });

describe('createLoss: the losses and their criterion_params', () => {
  it('CrossEntropyLoss: mean over the batch by default; reduction sum and none', () => {
    close(value(createLoss('CrossEntropyLoss'), logits(), classes([0, 1])), (CE0 + CE1) / 2, 'mean');
    close(value(createLoss('CrossEntropyLoss', { reduction: 'sum' }), logits(), classes([0, 1])), CE0 + CE1, 'sum');
    const none = values(createLoss('CrossEntropyLoss', { reduction: 'none' }), logits(), classes([0, 1]));
    assert.equal(none.length, 2);
    close(none[0], CE0, 'none[0]');
    close(none[1], CE1, 'none[1]');
  });

  it("label smoothing: SG's smooth_eps and PyTorch's label_smoothing, smooth_eps winning when both are given", () => {
    // (1 − ε)·CE + ε·mean over classes of −log p = CE0 + ε·((CE0 + CE1)/2 − CE0) = CE0 + ε/2 here.
    const target = classes([0, 0]);
    close(value(createLoss('CrossEntropyLoss', { label_smoothing: 0.2 }), logits(), target), CE0 + 0.1, 'label_smoothing 0.2');
    close(value(createLoss('CrossEntropyLoss', { smooth_eps: 0.4 }), logits(), target), CE0 + 0.2, 'smooth_eps 0.4');
    close(value(createLoss('CrossEntropyLoss', { smooth_eps: 0.4, label_smoothing: 0.2 }), logits(), target), CE0 + 0.2, 'both');
    close(value(createLoss('LabelSmoothingCrossEntropyLoss', { smooth_eps: 0.2 }), logits(), target), CE0 + 0.1, 'LabelSmoothingCrossEntropyLoss');
    close(value(createLoss('cross_entropy', { label_smoothing: 0.2 }), logits(), target), CE0 + 0.1, 'cross_entropy');
  });

  it('ignore_index: -100 by default (those targets are left out of the mean), or the one given', () => {
    close(value(createLoss('CrossEntropyLoss'), logits(), classes([0, -100])), CE0, 'default -100');
    close(value(createLoss('CrossEntropyLoss', { ignore_index: 1 }), logits(), classes([0, 1])), CE0, 'ignore_index 1');
    close(value(createLoss('CrossEntropyLoss', { ignore_index: 0 }), logits(), classes([0, 1])), CE1, 'ignore_index 0');
  });

  it('MSELoss, L1Loss and BCEWithLogitsLoss take reduction (mean by default)', () => {
    const o = () => sg.tensor([1, -2], { dtype: 'float64' });
    const zero = () => sg.tensor([0, 0], { dtype: 'float64' });
    close(value(createLoss('MSELoss'), o(), zero()), 2.5, 'MSELoss mean');
    close(value(createLoss('MSELoss', { reduction: 'sum' }), o(), zero()), 5, 'MSELoss sum');
    assert.deepEqual(values(createLoss('MSELoss', { reduction: 'none' }), o(), zero()), [1, 4]);
    close(value(createLoss('L1Loss'), o(), zero()), 1.5, 'L1Loss mean');
    close(value(createLoss('L1Loss', { reduction: 'sum' }), o(), zero()), 3, 'L1Loss sum');
    assert.deepEqual(values(createLoss('L1Loss', { reduction: 'none' }), o(), zero()), [1, 2]);
    // Logit 0 and target 1: log 2 each.
    const one = () => sg.tensor([1, 1], { dtype: 'float64' });
    close(value(createLoss('BCEWithLogitsLoss'), zero(), one()), Math.LN2, 'BCEWithLogitsLoss mean');
    close(value(createLoss('BCEWithLogitsLoss', { reduction: 'sum' }), zero(), one()), 2 * Math.LN2, 'BCEWithLogitsLoss sum');
  });

  it('criterion_params null is no params; anything else but an object is an error naming it', () => {
    const o = sg.tensor([1, -2], { dtype: 'float64' });
    close(value(createLoss('MSELoss', null), o, sg.zeros([2], { dtype: 'float64' })), 2.5, 'null params');
    for (const [bad, shown] of [[3, '3 (number)'], [[], '[] (array)'], ['sum', "'sum' (string)"]] as const) {
      assert.throws(() => createLoss('MSELoss', bad), {
        name: 'TypeError',
        path: 'training_params.criterion_params',
        message: `Expected an object for training_params.criterion_params but received ${shown}`,
      });
    }
  });
});

describe('createLoss: the other forms of training_params.loss', () => {
  const o = () => sg.tensor([1, -2], { dtype: 'float64' });
  const zero = () => sg.zeros([2], { dtype: 'float64' });

  it('a function is the loss itself', () => {
    const fn: LossFunction = (output, target) => sg.l1Loss(output, target);
    assert.equal(createLoss(fn), fn);
    assert.equal(createLoss(fn, { reduction: 'sum' }), fn);
  });

  it('an object with forward() (a class instance too) is called as a method, with its own `this`', () => {
    class Scaled {
      constructor(private readonly scale: number) {}
      forward(output: sg.Tensor, target: sg.Tensor): sg.Tensor {
        return sg.mseLoss(output, target).mul(this.scale);
      }
    }
    close(value(createLoss(new Scaled(10)), o(), zero()), 25, 'class instance');
    const plain = { scale: 2, forward(output: sg.Tensor, target: sg.Tensor) { return sg.l1Loss(output, target).mul(this.scale); } };
    close(value(createLoss(plain), o(), zero()), 3, 'plain object with forward');
  });

  it('{Name: params}: the named loss with those params; criterion_params win over them', () => {
    close(value(createLoss({ MSELoss: { reduction: 'sum' } }), o(), zero()), 5, '{MSELoss: {reduction: sum}}');
    close(value(createLoss({ MSELoss: null }), o(), zero()), 2.5, '{MSELoss: null}');
    assert.deepEqual(values(createLoss({ MSELoss: { reduction: 'sum' } }, { reduction: 'none' }), o(), zero()), [1, 4]);
    close(value(createLoss({ CrossEntropyLoss: { smooth_eps: 0.2 } }), logits(), classes([0, 0])), CE0 + 0.1, '{CrossEntropyLoss: {smooth_eps}}');
  });

  it('anything else (null, a number, {} or two names) is an error listing the loss names', () => {
    const message = (shown: string) =>
      new RegExp(
        `^Expected a loss name \\(CrossEntropyLoss, cross_entropy, LabelSmoothingCrossEntropyLoss, MSELoss, L1Loss, BCEWithLogitsLoss(, [^,]+)*\\), a function or an object with forward\\(\\) for training_params\\.loss but received ${shown}$`,
      );
    assert.throws(() => createLoss(null), { name: 'TypeError', path: 'training_params.loss', message: message('null') });
    assert.throws(() => createLoss(3), { name: 'TypeError', message: message('3 \\(number\\)') });
    assert.throws(() => createLoss({}), { name: 'TypeError', message: message('\\{\\} \\(object\\)') });
    assert.throws(() => createLoss({ MSELoss: {}, L1Loss: {} }), { name: 'TypeError', message: message('.*') });
    assert.throws(() => createLoss({ forward: 'not a function' }), { name: 'Error', message: /^unknown loss 'forward'/ });
  });

  it('registerLoss: the factory gets the criterion_params; a second factory for a name needs override', () => {
    const seen: Array<Record<string, unknown>> = [];
    registerLoss('LossesTestScaledL1', (params) => {
      seen.push(params);
      return (output, target) => sg.l1Loss(output, target).mul(params.scale as number);
    });
    close(value(createLoss('LossesTestScaledL1', { scale: 4 }), o(), zero()), 6, 'registered loss');
    assert.deepEqual(seen, [{ scale: 4 }]);
    const other = () => (output: sg.Tensor, target: sg.Tensor) => sg.mseLoss(output, target);
    assert.throws(() => registerLoss('LossesTestScaledL1', other), /^Error: loss 'LossesTestScaledL1' is already registered; pass \{override: true\} to replace it$/);
    registerLoss('LossesTestScaledL1', other, { override: true });
    close(value(createLoss('LossesTestScaledL1'), o(), zero()), 2.5, 'overridden');
  });
});
