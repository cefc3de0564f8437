/** SGD: torch.optim.SGD's options, class and record. */
import { DIFFERENTIABLE_OPTION, FOREACH_OPTION, FUSED_OPTION, nonNegative, OptionSchema } from './option-schema';
import { NativeOptimizer } from './native-optimizer';
import { ParamGroup, ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

/** torch.optim.SGD's options (PyTorch 2.x defaults: lr 1e-3). */
export const SGD_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-3, check: nonNegative('learning rate'), doc: 'learning rate' },
  momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor' },
  dampening: { kind: 'number', default: 0, doc: 'dampening for momentum' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'L2 penalty added to the gradient' },
  nesterov: { kind: 'boolean', default: false, doc: 'Nesterov momentum' },
  maximize: { kind: 'boolean', default: false, doc: 'maximize the objective instead of minimizing' },
  foreach: FOREACH_OPTION,
  fused: FUSED_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
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
    super(SGD_INFO, params, options as Record<string, unknown>);
  }

  protected override checkGroup(g: ParamGroup, path: string, optimizerParams: Record<string, unknown>): void {
    if (g.nesterov && ((g.momentum as number) <= 0 || g.dampening !== 0)) {
      const fromDefaults = path === 'param_groups[0]' && optimizerParams.nesterov !== undefined;
      throw new RangeError(`Nesterov momentum requires a momentum and zero dampening${fromDefaults ? '' : ` (${path})`}`);
    }
  }
}

/** SGD's record (see OptimizerInfo). */
export const SGD_INFO = defineOptimizer({
  name: 'SGD',
  cls: SGD,
  schema: SGD_OPTIONS,
  description: 'Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay.',
  reference: 'torch.optim.SGD',
  sgDefaults: { weight_decay: 1e-4, momentum: 0.9 },
  flags: { stepAsTensor: true, hasGroupState: false },
  repeatedParams: { freshStatePerPlace: true },
});
