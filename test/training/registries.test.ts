/**
 * Re-registering a name: an error by default, a replacement with {override: true}, for the
 * optimizer, model and callback registries alike (one mechanism: lib/registry/registry.ts).
 */
import assert from 'node:assert/strict';

import { createModel, registerModel } from '../../lib/models';
import * as nn from '../../lib/nn';
import { Adam, createOptimizer, SGD, registerOptimizer } from '../../lib/optim';
import { Tensor } from '../../lib/tensor';
import { Callback, createCallback, registerCallback } from '../../lib/training';

/** The smallest concrete model. */
class Identity extends nn.Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('registries: {override: true} replaces a registered name', () => {
  it('registerOptimizer', () => {
    const params = () => new nn.Linear(2, 1).parameters();
    registerOptimizer('RegistryTestOpt', SGD as never);
    assert.ok(createOptimizer('RegistryTestOpt', params(), { lr: 0.1 }) instanceof SGD);
    assert.throws(() => registerOptimizer('RegistryTestOpt', Adam as never), /^Error: optimizer 'RegistryTestOpt' is already registered; pass \{override: true\} to replace it$/);
    registerOptimizer('RegistryTestOpt', Adam as never, { override: true });
    const opt = createOptimizer('RegistryTestOpt', params(), { lr: 0.1 });
    assert.ok(opt instanceof Adam && !(opt instanceof SGD), 'the replacement is built');
    assert.doesNotThrow(() => registerOptimizer('RegistryTestOpt', Adam as never), 'the same class again is not a conflict');
  });

  it('registerModel (call and decorator forms)', () => {
    class First extends Identity {}
    class Second extends Identity {
      constructor(readonly archParams: Record<string, unknown> = {}) {
        super();
      }
    }
    registerModel('RegistryTestModel', First);
    assert.throws(() => registerModel('RegistryTestModel', Second), /model 'RegistryTestModel' is already registered; pass \{override: true\}/);
    registerModel('RegistryTestModel', Second, { override: true });
    const m = createModel('RegistryTestModel', { width: 3 });
    assert.ok(m instanceof Second);
    assert.deepEqual((m as Second).archParams, { width: 3 });

    @registerModel('RegistryTestModel', { override: true })
    class Third extends Identity {}
    assert.ok(createModel('RegistryTestModel') instanceof Third);
  });

  it('registerCallback', () => {
    class A extends Callback {}
    class B extends Callback {}
    registerCallback('RegistryTestCallback', A);
    assert.throws(() => registerCallback('RegistryTestCallback', B), /callback 'RegistryTestCallback' is already registered; pass \{override: true\}/);
    registerCallback('RegistryTestCallback', B, { override: true });
    assert.ok(createCallback('RegistryTestCallback') instanceof B);
  });
});
