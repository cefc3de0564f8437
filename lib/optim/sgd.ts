import { nonNegative, OptionSchema } from './option-schema';
import { NativeOptimizer } from './native-optimizer';
import { ParamGroup, ParamsOrGroups } from './optimizer';

/** torch.optim.SGD's options (PyTorch 2.x defaults: lr 1e-3). */
export const SGD_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-3, check: nonNegative('learning rate'), doc: 'learning rate' },
  momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor' },
  dampening: { kind: 'number', default: 0, doc: 'dampening for momentum' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'L2 penalty added to the gradient' },
  nesterov: { kind: 'boolean', default: false, doc: 'Nesterov momentum' },
  maximize: { kind: 'boolean', default: false, doc: 'maximize the objective instead of minimizing' },
  foreach: { kind: 'boolean-or-null', default: null, doc: 'implementation choice (accepted for compatibility)' },
  fused: { kind: 'boolean-or-null', default: null, doc: 'false selects the reference path' },
  differentiable: { kind: 'boolean', default: false, doc: 'accepted for compatibility; true is refused (steps are not recorded by autograd)' },
};

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  fused?: boolean | null;
  differentiable?: boolean;
}

/**
 * Stochastic gradient descent with momentum, exactly torch.optim.SGD.
 *
 * @example
 * const opt = new sg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weight_decay: 1e-4 });
 */
export class SGD extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: SGDOptions = {}) {
    super('SGD', SGD_OPTIONS, params, options as Record<string, unknown>);
  }

  protected override checkGroup(g: ParamGroup, path: string, optimizerParams: Record<string, unknown>): void {
    if (g.nesterov && ((g.momentum as number) <= 0 || g.dampening !== 0)) {
      const fromDefaults = path === 'param_groups[0]' && optimizerParams.nesterov !== undefined;
      throw new RangeError(`Nesterov momentum requires a momentum and zero dampening${fromDefaults ? '' : ` (${path})`}`);
    }
  }
}
