/**
 * The `_target_` helpers SuperGradients' recipe files use, instantiated as Hydra would
 * (`_convert_` keys are dropped).
 */
import { isPlainObject, unknownNameError } from '../errors';
import { originOf, Origins } from './origins';

/** numpy.arange: start + i·step for i < ceil((stop − start)/step). */
export function numpyArange(start: number, stop: number, step = 1): number[] {
  if (step === 0) throw new RangeError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length: n }, (_, i) => start + i * step);
}

type Target = (args: Record<string, unknown>) => unknown;

const TARGETS: Record<string, Target> = {
  'super_gradients.training.utils.utils.empty_list': () => [],
  empty_list: () => [],
  'numpy.arange': (a) => numpyArange((a.start as number) ?? 0, a.stop as number, (a.step as number) ?? 1),
  arange: (a) => numpyArange((a.start as number) ?? 0, a.stop as number, (a.step as number) ?? 1),
};

export function instantiateTargets(value: unknown, origins: Origins, at: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => instantiateTargets(v, origins, [...at, String(i)]));
  if (!isPlainObject(value)) return value;
  const { _target_: target, _convert_: _ignored, ...rest } = value;
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) args[k] = instantiateTargets(v, origins, [...at, k]);
  if (target === undefined) return args;
  const fn = typeof target === 'string' ? TARGETS[target] : undefined;
  if (!fn) {
    const err = unknownNameError('_target_', String(target), Object.keys(TARGETS));
    throw new Error(`${err.message} (at ${at.join('.') || 'the root'}, ${originOf(origins, at.join('.'))})`);
  }
  return fn(args);
}
