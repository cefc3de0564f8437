/**
 * The optimizer records (OptimizerInfo) against everything that reads them or must agree with
 * them: the registry and its listing, the optimizer classes (schema, native kind, state layout
 * flags), SuperGradients' defaults, the exports, the golden table and the docs.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import * as optimModule from '../../lib/optim';
import {
  Adam,
  BUILT_IN_OPTIMIZERS,
  listOptimizers,
  NativeOptimizer,
  Optimizer,
  optimizerInfo,
  OptimizerInfo,
  OPTIMIZERS,
  ParamsOrGroups,
  registerOptimizer,
  resolveOptimizer,
} from '../../lib/optim';
import { native } from '../../lib/native';
import { packageRoot } from '../../lib/package-root';
import { SG_DEFAULT_OPTIMIZER_PARAMS } from '../../lib/training/build-optimizer';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { GOLDEN_OPTIMIZERS, goldenFiles, NO_FUSED_CPU, NO_GOLDEN } from '../helpers/golden';

const NAMES = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'RMSpropTF', 'Lamb', 'Lion', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam', 'ASGD', 'Rprop', 'Adafactor', 'LBFGS', 'Muon'];
/** A parameter every built-in takes: Muon takes matrices only. */
const paramFor = (info: OptimizerInfo, values: number[]) => sg.tensor(info.name === 'Muon' ? [values] : values, { dtype: 'float64' }).requiresGrad_(true);
/** The built-ins stepped by native code (all but LBFGS, which is closure-driven TypeScript over tensor ops). */
const NATIVE = BUILT_IN_OPTIMIZERS.filter((info) => info.cls.prototype instanceof NativeOptimizer);

/** The state dict after one step of `info`'s optimizer on a float64 parameter (with SG's defaults: SGD then has state). */
function steppedStateDict(info: OptimizerInfo) {
  const w = paramFor(info, [1, -2, 3]);
  const opt = new info.cls([w], { ...info.sgDefaults, lr: 0.01 });
  w.grad = paramFor(info, [0.5, 0.25, -1]).detach();
  if (info.name === 'LBFGS') opt.step(() => w.mul(w).sum()); // closure-driven: the loss of a fixed gradient
  else opt.step();
  return opt.stateDict();
}

describe('optim: one record per optimizer', () => {
  it('the built-ins are registered from their records, in listing order', () => {
    assert.deepEqual(BUILT_IN_OPTIMIZERS.map((i) => i.name), NAMES);
    assert.deepEqual(listOptimizers().slice(0, NAMES.length), NAMES);
    for (const info of BUILT_IN_OPTIMIZERS) {
      assert.equal(OPTIMIZERS.get(info.name), info.cls, info.name);
      assert.equal(info.cls.name, info.name, 'a built-in class is named as registered');
      assert.equal(optimizerInfo(info.name), info);
      assert.equal(optimizerInfo(info.cls), info);
    }
    assert.equal(optimizerInfo('adam_w'), optimModule.ADAMW_INFO, "SuperGradients' fuzzy names");
    assert.throws(() => optimizerInfo('Adamm'), /^Error: unknown optimizer 'Adamm'; did you mean 'Adam'\?/);
  });

  it('every record is complete and frozen', () => {
    for (const info of BUILT_IN_OPTIMIZERS) {
      assert.ok(Object.isFrozen(info) && Object.isFrozen(info.flags) && Object.isFrozen(info.sgDefaults), info.name);
      if (info.repeatedParams !== undefined) assert.ok(Object.isFrozen(info.repeatedParams), `${info.name}: repeatedParams frozen`);
      assert.ok(info.schema !== null && Object.keys(info.schema).includes('lr'), `${info.name}: a schema with lr`);
      assert.match(info.description, /^[A-Z].*\.$/, `${info.name}: one sentence`);
      assert.match(info.reference, /^(torch\.optim\.|super_gradients\.training\.utils\.optimizers\.)/, `${info.name}: what it matches`);
      assert.deepEqual(Object.keys(info.flags).sort(), ['hasGroupState', 'stepAsTensor']);
      for (const key of Object.keys(info.sgDefaults)) assert.ok(key in info.schema!, `${info.name}: SG default '${key}' is an option`);
    }
  });

  it("each class builds what its record says: native kind, schema, and the record's SG defaults are SuperGradients' (§2)", () => {
    for (const info of NATIVE) {
      const opt = new info.cls([paramFor(info, [0, 0])], { lr: 0.1 }) as NativeOptimizer;
      assert.ok(opt instanceof NativeOptimizer);
      assert.equal(opt.kind, info.name);
      assert.equal(opt.schema, info.schema);
    }
    // The map SG_DEFAULT_OPTIMIZER_PARAMS still exported is made from the records: same content as before them.
    assert.deepEqual(
      [...SG_DEFAULT_OPTIMIZER_PARAMS].map(([cls, d]) => [(cls as { name: string }).name, d]),
      [
        ['SGD', { weight_decay: 1e-4, momentum: 0.9 }],
        ['Adam', { weight_decay: 1e-4 }],
        ['RMSprop', { weight_decay: 1e-4, momentum: 0.9 }],
        ['RMSpropTF', { weight_decay: 1e-4, momentum: 0.9 }],
      ],
    );
  });

  it('flags decide the state layout: step as a tensor, and group state in param_groups', () => {
    const asTensor = BUILT_IN_OPTIMIZERS.filter((i) => i.flags.stepAsTensor).map((i) => i.name);
    const grouped = BUILT_IN_OPTIMIZERS.filter((i) => i.flags.hasGroupState).map((i) => i.name);
    assert.deepEqual(asTensor, ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam', 'ASGD', 'Rprop', 'Adafactor'], "PyTorch 2.x's torch.optim ones");
    assert.deepEqual(grouped, ['Lamb']);
    let tensorSteps = 0;
    for (const info of BUILT_IN_OPTIMIZERS) {
      const sd = steppedStateDict(info);
      const state = sd.state[0];
      assert.ok(state !== undefined, `${info.name}: has state after a step`);
      if (info.flags.hasGroupState) {
        // The step counter is the group's, not the parameter's.
        assert.equal(sd.param_groups[0].step, 1, info.name);
        assert.ok(!('step' in state), info.name);
      } else {
        assert.ok(!('step' in sd.param_groups[0]), info.name);
        // SGD keeps no step at all; where there is one, the flag says its type.
        if ('step' in state && info.flags.stepAsTensor) {
          assert.ok(state.step instanceof Tensor && Number(state.step.item()) === 1, info.name);
          tensorSteps++;
        } else if ('step' in state) assert.equal(state.step, 1, info.name);
      }
      // And the state dict loads back through the same flags.
      const w = paramFor(info, [1, -2, 3]);
      const other = new info.cls([w], { ...info.sgDefaults, lr: 0.01 });
      other.loadStateDict(sd);
      assert.deepEqual(Object.keys(other.stateDict().param_groups[0]).sort(), Object.keys(sd.param_groups[0]).sort(), info.name);
    }
    assert.equal(tensorSteps, 11, 'Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop and Adafactor keep a tensor step');
  });

  it('listOptimizers({verbose: true}) returns the records, in the order of the names', () => {
    const records = listOptimizers({ verbose: true });
    assert.deepEqual(records.map((r) => r.name), listOptimizers());
    assert.deepEqual(records.slice(0, NAMES.length), [...BUILT_IN_OPTIMIZERS], 'the records themselves');
    assert.deepEqual(listOptimizers({ verbose: false }), listOptimizers());
    assert.throws(() => listOptimizers({ verbose: 'yes' } as never), /^TypeError: Expected a boolean for listOptimizers\(options\)\.verbose but received 'yes' \(string\)$/);
  });

  it("a user's class gets a record made for it: a subclass of a built-in keeps its schema and flags, not its SG defaults", () => {
    class RegistryTestSign extends Optimizer {
      constructor(params: ParamsOrGroups, opts: { lr?: number } = {}) {
        super(params, { lr: opts.lr ?? 0.01 });
      }
      step(): void {}
    }
    class RegistryTestAdam extends Adam {}
    registerOptimizer('RegistryTestSign', RegistryTestSign);
    registerOptimizer('RegistryTestAdam', RegistryTestAdam);
    const byName = new Map(listOptimizers({ verbose: true }).map((r) => [r.name, r]));
    const sign = byName.get('RegistryTestSign')!;
    assert.equal(sign.cls, RegistryTestSign);
    assert.equal(sign.schema, null);
    assert.equal(sign.description, 'user optimizer (class RegistryTestSign)');
    assert.deepEqual(sign.flags, { stepAsTensor: false, hasGroupState: false });
    const sub = byName.get('RegistryTestAdam')!;
    assert.equal(sub.schema, optimModule.ADAM_INFO.schema);
    assert.equal(sub.flags, optimModule.ADAM_INFO.flags);
    assert.deepEqual(sub.sgDefaults, {}, "SuperGradients' defaults belong to a class exactly");
    assert.equal(sub.reference, 'user code, extending Adam');
    assert.equal(optimizerInfo(RegistryTestAdam).name, 'RegistryTestAdam');
    assert.deepEqual(optimizerInfo(RegistryTestAdam), sub);
  });

  it("a user's record: the nearest built-in up the class chain, an anonymous class, plain user code; bad arguments named", () => {
    class RegistryTestAdamBase extends Adam {}
    class RegistryTestAdamLeaf extends RegistryTestAdamBase {}
    registerOptimizer('RegistryTestAdamLeaf', RegistryTestAdamLeaf);
    const leaf = optimizerInfo('RegistryTestAdamLeaf');
    assert.equal(leaf.schema, optimModule.ADAM_INFO.schema, 'an unregistered class between it and Adam is skipped');
    assert.equal(leaf.description, 'user optimizer (class RegistryTestAdamLeaf, extends Adam)');
    assert.equal(leaf.reference, 'user code, extending Adam');
    // A class expression passed directly has no name.
    registerOptimizer(
      'RegistryTestAnonymous',
      class extends Optimizer {
        step(): void {}
      },
    );
    const anonymous = optimizerInfo('RegistryTestAnonymous');
    assert.equal(anonymous.description, 'user optimizer (class (anonymous))');
    assert.equal(anonymous.reference, 'user code');
    assert.equal(anonymous.schema, null);
    assert.deepEqual({ ...anonymous.flags }, { stepAsTensor: false, hasGroupState: false });
    assert.throws(() => listOptimizers('verbose' as never), /^TypeError: Expected an object \{verbose\?: boolean\} for listOptimizers\(options\) but received 'verbose' \(string\)$/);
    assert.throws(() => listOptimizers(null as never), /^TypeError: Expected an object \{verbose\?: boolean\} for listOptimizers\(options\)/);
    assert.throws(() => resolveOptimizer(42 as never), /^TypeError: Expected an optimizer name or class for optimizer but received 42/);
  });
});

describe('optim: the records, the exports, the golden files and the docs agree', () => {
  it('every record exported by lib/optim is registered, and every registered built-in exported', () => {
    const isRecord = (v: unknown): v is OptimizerInfo => typeof v === 'object' && v !== null && 'cls' in v && 'flags' in v && 'sgDefaults' in v;
    const exported = Object.values(optimModule).filter(isRecord);
    assert.deepEqual(new Set(exported), new Set(BUILT_IN_OPTIMIZERS));
    for (const info of BUILT_IN_OPTIMIZERS) assert.equal((optimModule as Record<string, unknown>)[info.name], info.cls, `sg.optim.${info.name}`);
  });

  it("each built-in's record agrees with its native kind (optimizerKinds()): the same names, flags and maximize", () => {
    const kinds = new Map(native.optimizerKinds().map((k) => [k.name, k]));
    assert.deepEqual([...kinds.keys()].sort(), NATIVE.map((i) => i.name).sort());
    assert.deepEqual(BUILT_IN_OPTIMIZERS.filter((i) => !NATIVE.includes(i)).map((i) => i.name), ['LBFGS']);
    for (const info of NATIVE) {
      const kind = kinds.get(info.name)!;
      assert.equal(info.flags.stepAsTensor, kind.stepKeptAsTensor, `${info.name}: stepAsTensor`);
      assert.equal(info.flags.hasGroupState, kind.hasGroupState, `${info.name}: hasGroupState`);
      assert.equal(Object.keys(info.schema ?? {}).includes('maximize'), kind.supportsMaximize, `${info.name}: maximize`);
      assert.equal(kind.fusedCpu, !(info.name in NO_FUSED_CPU), `${info.name}: a fused CPU step unless NO_FUSED_CPU gives the reason`);
    }
  });

  it('every file of lib/optim that defines a record holds exactly one, registered', function () {
    const dir = path.join(packageRoot(), 'lib', 'optim');
    // StrykerJS rewrites the sources it mutates (stryMutAct_… calls around every literal): this
    // test reads source text, so in its sandbox it has nothing to say; the others still run there.
    if (fs.readdirSync(dir).some((f) => f.endsWith('.ts') && fs.readFileSync(path.join(dir, f), 'utf8').includes('stryMutAct_'))) this.skip();
    const defining = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && /= defineOptimizer\(/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    assert.equal(defining.length, BUILT_IN_OPTIMIZERS.length, `files defining a record: ${defining.join(', ')}`);
    for (const f of defining) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.equal((src.match(/= defineOptimizer\(/g) ?? []).length, 1, f);
      const name = /defineOptimizer\(\{\s*name: '([^']+)'/.exec(src)?.[1];
      assert.ok(name !== undefined && BUILT_IN_OPTIMIZERS.some((i) => i.name === name), `${f}: record '${name}' is registered`);
    }
  });

  it('every built-in has a golden file or a reason in NO_GOLDEN, and every golden file is a built-in', () => {
    const names = BUILT_IN_OPTIMIZERS.map((i) => i.name);
    for (const name of names) {
      const why = NO_GOLDEN[name];
      assert.ok(GOLDEN_OPTIMIZERS.includes(name) !== (why !== undefined), `${name}: a golden file xor a reason`);
      if (why !== undefined) assert.ok(why.trim().length > 0, `${name}: NO_GOLDEN needs a reason`);
    }
    for (const name of Object.keys(NO_GOLDEN)) assert.ok(names.includes(name), `NO_GOLDEN names '${name}', which is not a built-in`);
    assert.deepEqual(goldenFiles(), [...GOLDEN_OPTIMIZERS].sort(), 'the golden folder holds exactly the replayed files');
  });

  it("the README's optimizer table and docs/API.md name every built-in and its reference", () => {
    const readme = fs.readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| optimizer | reference | notes |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n');
    for (const info of BUILT_IN_OPTIMIZERS) {
      assert.ok(rows.some((r) => new RegExp(`^\\| [^|]*\\b${info.name}\\b`).test(r)), `README table lists ${info.name}`);
    }
    const api = fs.readFileSync(path.join(packageRoot(), 'docs', 'API.md'), 'utf8');
    for (const info of BUILT_IN_OPTIMIZERS) {
      assert.ok(api.includes(`| \`${info.name}\` | ${info.reference} |`), `docs/API.md's optimizer table has ${info.name}`);
    }
  });
});
