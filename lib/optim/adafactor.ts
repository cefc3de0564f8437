/** Adafactor: torch.optim.Adafactor's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { FOREACH_OPTION, MAXIMIZE_OPTION, OptionSchema, pythonNumber } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

/** A check in torch.optim.Adafactor's wording: "<what> should be >= 0 but is: <v>". */
function atLeast(what: string, bound: number) {
  return (v: number) => (v >= bound ? undefined : `${what} should be >= ${bound} but is: ${pythonNumber(v)}`);
}

function epsCheck(v: [number | null, number]): string | undefined {
  if (v[0] !== null && !(v[0] >= 0)) return `epsilon1 should be >= 0 but is: ${pythonNumber(v[0])}`;
  return v[1] >= 0 ? undefined : `epsilon2 should be >= 0 but is: ${pythonNumber(v[1])}`;
}

export const ADAFACTOR_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-2, check: atLeast('Learning rate', 0), doc: 'learning rate (the relative step is min(lr, 1/√step))' },
  beta2_decay: {
    kind: 'number',
    default: -0.8,
    check: (v: number) => (v <= 0 ? undefined : `beta2_decay should be <= 0 but is: ${pythonNumber(v)}`),
    doc: 'decay rate of the second moment: its weight at step t is t^beta2_decay',
  },
  eps: { kind: 'pair-first-or-null', default: [null, 1e-3], check: epsCheck, doc: "[eps1, eps2]: eps1 floors the second moment (null: the dtype's machine epsilon), eps2 the parameter's RMS" },
  d: { kind: 'number', default: 1.0, check: atLeast('Clipping threshold d', 1), doc: 'clipping threshold of the update RMS' },
  weight_decay: { kind: 'number', default: 0, check: atLeast('weight_decay', 0), doc: 'decoupled weight decay (p ← p·(1 − lr·wd))' },
  foreach: FOREACH_OPTION,
  maximize: MAXIMIZE_OPTION,
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's, accepted for uniform option sets: Adafactor has only its reference path" },
};

export interface AdafactorOptions {
  lr?: number;
  beta2_decay?: number;
  eps?: [number | null, number];
  d?: number;
  weight_decay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  fused?: boolean | null;
}

/**
 * Adafactor, exactly torch.optim.Adafactor: the second moment of a matrix (or of the last two
 * dimensions of a tensor) kept as row and column factors, a relative step size and update
 * clipping.
 *
 * @example
 * const opt = new sg.optim.Adafactor(model.parameters(), { lr: 0.01, weight_decay: 0.01 });
 */
export class Adafactor extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: AdafactorOptions = {}) {
    super(ADAFACTOR_INFO, params, options as Record<string, unknown>);
  }

  /** row_var and col_var have their parameter's shape with one size 1 (checked by native code). */
  protected override stateKeyOfOwnShape(key: string): boolean {
    return key === 'row_var' || key === 'col_var';
  }
}

/** Adafactor's record (see OptimizerInfo). */
export const ADAFACTOR_INFO = defineOptimizer({
  name: 'Adafactor',
  cls: Adafactor,
  schema: ADAFACTOR_OPTIONS,
  description: 'Adafactor: factored second moment (row and column statistics), relative step size, update clipping.',
  reference: 'torch.optim.Adafactor',
  sgDefaults: {},
  flags: { stepAsTensor: true, hasGroupState: false },
});
