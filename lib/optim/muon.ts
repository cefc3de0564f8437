/** Muon: torch.optim.Muon's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { OptionSchema, pythonNumber } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

const ADJUST_LR_FNS = ['original', 'match_rms_adamw', 'spectral_unclamped'];

/** A check in torch.optim.Muon's wording: "<what> should be >= 0 but is: <v>". */
function nonNegativeAs(what: string) {
  return (v: number) => (v >= 0 ? undefined : `${what} should be >= 0 but is: ${pythonNumber(v)}`);
}

export const MUON_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-3, check: nonNegativeAs('Learning rate'), doc: 'learning rate' },
  weight_decay: { kind: 'number', default: 0.1, check: nonNegativeAs('weight decay'), doc: 'decoupled weight decay (p ← p·(1 − lr·wd))' },
  momentum: { kind: 'number', default: 0.95, check: nonNegativeAs('momentum'), doc: 'momentum factor' },
  nesterov: { kind: 'boolean', default: true, doc: 'Nesterov momentum' },
  ns_coefficients: { kind: 'triple', default: [3.4445, -4.775, 2.0315], doc: 'coefficients (a, b, c) of the Newton–Schulz polynomial' },
  eps: { kind: 'number', default: 1e-7, doc: 'floor of the norm the update is divided by' },
  ns_steps: {
    kind: 'number',
    default: 5,
    check: (v: number) => (!Number.isInteger(v) || v < 0 ? `ns_steps must be a non-negative integer, got ${v}` : v >= 100 ? 'Number of steps must be less than 100 for computational efficiency' : undefined),
    doc: 'Newton–Schulz iterations',
  },
  adjust_lr_fn: {
    kind: 'string-or-null',
    default: null,
    check: (v: string) => (ADJUST_LR_FNS.includes(v) ? undefined : `Adjust learning rate function ${v} is not supported`),
    doc: "null or 'original' (√max(1, A/B)), 'match_rms_adamw' (0.2·√max(A, B)), 'spectral_unclamped' (√(A/B))",
  },
  fused: { kind: 'boolean-or-null', default: null, doc: "sg-optim's, accepted for uniform option sets: Muon has only its reference path" },
};

export interface MuonOptions {
  lr?: number;
  weight_decay?: number;
  momentum?: number;
  nesterov?: boolean;
  ns_coefficients?: [number, number, number];
  eps?: number;
  ns_steps?: number;
  adjust_lr_fn?: 'original' | 'match_rms_adamw' | 'spectral_unclamped' | null;
  fused?: boolean | null;
}

/**
 * Muon, exactly torch.optim.Muon: momentum orthogonalised by Newton–Schulz iterations (in
 * bfloat16, as PyTorch), for 2-D parameters only (PyTorch's error for any other).
 *
 * @example
 * const opt = new sg.optim.Muon(model.parameters().filter((p) => p.dim() === 2), { lr: 0.02 });
 */
export class Muon extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: MuonOptions = {}) {
    super(MUON_INFO, params, options as Record<string, unknown>);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.dim() !== 2) throw new Error(`Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([${p.shape.join(', ')}])`);
      }
    }
  }
}

/** Muon's record (see OptimizerInfo). */
export const MUON_INFO = defineOptimizer({
  name: 'Muon',
  cls: Muon,
  schema: MUON_OPTIONS,
  description: 'Muon: momentum orthogonalised by Newton–Schulz iterations (bfloat16), decoupled weight decay; 2-D parameters only.',
  reference: 'torch.optim.Muon',
  sgDefaults: {},
  flags: { stepAsTensor: false, hasGroupState: false },
});
