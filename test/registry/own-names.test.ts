/**
 * Registries see their own names only (issue 15): a recipe's `optimizer: constructor` or
 * `loss: toString` is an unknown name, never a member of Object.prototype.
 */
import assert from 'node:assert/strict';

import { createModel } from '../../lib/models';
import * as nn from '../../lib/nn';
import { createOptimizer } from '../../lib/optim';
import { Registry } from '../../lib/registry/registry';
import { createCallback, createLoss, createMetrics } from '../../lib/training';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

describe('registries: lookups use own names only', () => {
  it('Registry.get/find/has: a member of Object.prototype is an unknown name, suggesting a registered one', () => {
    const reg = new Registry<number>('widget');
    reg.register('Constructo', 1);
    for (const name of PROTOTYPE_NAMES) {
      assert.equal(reg.has(name), false, name);
      assert.equal(reg.find(name), undefined, name);
    }
    assert.throws(() => reg.get('toString'), { message: "unknown widget 'toString'; known: Constructo" });
    assert.throws(() => reg.get('constructor'), { message: "unknown widget 'constructor'; did you mean 'Constructo'? known: Constructo" });
  });

  it('such names can be registered as ordinary names without touching Object.prototype', () => {
    const reg = new Registry<number>('widget');
    reg.register('__proto__', 7);
    reg.register('constructor', 8);
    assert.equal(reg.get('__proto__'), 7);
    assert.equal(reg.get('constructor'), 8);
    assert.deepEqual(reg.names(), ['__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>).constructor, Object);
  });

  const lookups: Array<[string, (name: string) => unknown, RegExp]> = [
    ['optimizer', (n) => createOptimizer(n, new nn.Linear(2, 1).parameters(), { lr: 0.1 }), /^unknown optimizer '.*'.* known: SGD, /],
    ['model', (n) => createModel(n, {}), /^unknown model '.*'.* known: /],
    ['callback', (n) => createCallback(n, 'training_params.phase_callbacks[0]'), /unknown callback '.*'/],
    ['loss (name)', (n) => createLoss(n), /^unknown loss '.*'.* known: CrossEntropyLoss, /],
    ['loss ({Name: params})', (n) => createLoss({ [n]: {} }), /^unknown loss '.*'.* known: CrossEntropyLoss, /],
    ['metric', (n) => createMetrics([n], 'training_params.valid_metrics_list'), /^unknown metric '.*'.* known: Accuracy/],
  ];
  for (const [kind, lookup, pattern] of lookups) {
    it(`${kind}: ${PROTOTYPE_NAMES.join(', ')} are unknown names`, () => {
      for (const name of PROTOTYPE_NAMES) {
        assert.throws(
          () => lookup(name),
          (err: Error) => {
            assert.match(err.message, pattern);
            assert.ok(err.message.includes(`'${name}'`), err.message);
            return true;
          },
        );
      }
      assert.equal(({} as Record<string, unknown>).x, undefined);
    });
  }
});
