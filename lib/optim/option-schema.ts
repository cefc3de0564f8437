/**
 * The option table of an optimizer: names, defaults and checks, with PyTorch's wording
 * ("Invalid learning rate: -1"). One table per optimizer drives validation, the native call and
 * the documentation.
 */
import { typeError, unknownNameError } from '../errors';

export type OptionKind = 'number' | 'boolean' | 'pair' | 'number-or-null' | 'boolean-or-null' | 'pair-first-or-null' | 'string-or-null' | 'triple';

export interface OptionSpec {
  kind: OptionKind;
  default: unknown;
  /** Returns PyTorch's error message when the value is out of range. */
  check?: (value: never) => string | undefined;
  doc: string;
  /**
   * Filled from the defaults when a loaded state dict's group lacks it, as the reference's
   * `__setstate__` does (booleans always are; this marks the numbers, such as RMSprop's momentum).
   */
  fillOnLoad?: boolean;
}

export type OptionSchema = Record<string, OptionSpec>;

/**
 * The implementation and compatibility options torch.optim's optimizers share, spelt once: the
 * schemas of those that take them spread these entries in their places.
 */
export const FOREACH_OPTION: OptionSpec = { kind: 'boolean-or-null', default: null, doc: 'implementation choice (accepted for compatibility)' };
export const MAXIMIZE_OPTION: OptionSpec = { kind: 'boolean', default: false, doc: 'maximize the objective' };
export const DIFFERENTIABLE_OPTION: OptionSpec = {
  kind: 'boolean',
  default: false,
  doc: 'accepted for compatibility; true is refused (steps are not recorded by autograd)',
};
export const CAPTURABLE_OPTION: OptionSpec = { kind: 'boolean', default: false, doc: 'accepted for compatibility (CUDA graphs)' };
/** `fused`: PyTorch's where it has one; sg-optim's own path switch for the others. */
export const FUSED_OPTION: OptionSpec = { kind: 'boolean-or-null', default: null, doc: 'false selects the reference path' };

/**
 * A number as Python prints a float in PyTorch's messages: `nan`, `inf`, exponents with a sign
 * and two digits below 1e-4 and from 1e16 (`-1e-08`, `1.5e-05`). Whole numbers stay bare (`-1`),
 * as the int a Python user would have passed.
 */
export function pythonNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const abs = Math.abs(v);
  if (Number.isInteger(v) && abs < 1e16) return String(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = v.toExponential().split('e');
    const e = Number(exponent);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(v);
}

/** `Invalid <what>: <value>` unless value >= 0 (NaN included, as PyTorch's `0.0 <= v`). */
export function nonNegative(what: string) {
  return (v: number) => (v >= 0 ? undefined : `Invalid ${what}: ${pythonNumber(v)}`);
}

/** PyTorch's beta checks: 0 <= beta_i < 1. */
export function betasCheck(v: [number, number]): string | undefined {
  for (const i of [0, 1]) {
    if (!(v[i] >= 0 && v[i] < 1)) return `Invalid beta parameter at index ${i}: ${pythonNumber(v[i])}`;
  }
  return undefined;
}

/**
 * The implementation flags PyTorch 2.x checks across options: `fused` with `foreach`, and
 * `differentiable`, which sg-optim does not implement (its steps are not recorded by autograd).
 */
export function checkImplementationFlags(values: Record<string, unknown>, path: string): void {
  if (values.fused === true && values.foreach === true) throw new Error(`\`fused\` and \`foreach\` cannot be \`True\` together. (${path})`);
  if (values.differentiable === true) {
    throw new Error(`differentiable: true is not supported (${path}.differentiable): sg-optim's optimizer steps are not recorded by autograd; use false`);
  }
}

function checkKind(path: string, spec: OptionSpec, value: unknown): void {
  // NaN is a number to Python: where PyTorch range-checks the option, the check reports it
  // ("Invalid learning rate: nan"); elsewhere it is refused here.
  const nanOk = spec.check !== undefined;
  switch (spec.kind) {
    case 'number':
      if (typeof value !== 'number' || (Number.isNaN(value) && !nanOk)) throw typeError(path, 'a number', value);
      return;
    case 'number-or-null':
      if (value !== null && (typeof value !== 'number' || (Number.isNaN(value) && !nanOk))) throw typeError(path, 'a number or null', value);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(path, 'a boolean', value);
      return;
    case 'boolean-or-null':
      if (value !== null && typeof value !== 'boolean') throw typeError(path, 'a boolean or null', value);
      return;
    case 'pair':
      if (!Array.isArray(value) || value.length !== 2 || !value.every((x) => typeof x === 'number' && (nanOk || !Number.isNaN(x)))) {
        throw typeError(path, 'a pair of numbers [b1, b2]', value);
      }
      return;
    case 'triple':
      // Muon's ns_coefficients [a, b, c].
      if (!Array.isArray(value) || value.length !== 3 || !value.every((x) => typeof x === 'number' && !Number.isNaN(x))) {
        throw typeError(path, 'three numbers [a, b, c]', value);
      }
      return;
    case 'string-or-null':
      if (value !== null && typeof value !== 'string') throw typeError(path, 'a string or null', value);
      return;
    case 'pair-first-or-null':
      // Adafactor's eps: [eps1 or null (the dtype's machine epsilon), eps2].
      if (!Array.isArray(value) || value.length !== 2 || !value.every((x, i) => (i === 0 && x === null) || (typeof x === 'number' && (nanOk || !Number.isNaN(x))))) {
        throw typeError(path, 'a pair [number or null, number]', value);
      }
      return;
  }
}

/** Throws unless every key of `options` is in the schema; suggests the nearest. */
export function rejectUnknownOptions(optimizerName: string, schema: OptionSchema, options: Record<string, unknown>, path: string): void {
  const known = Object.keys(schema);
  for (const key of Object.keys(options)) {
    if (key === 'params') {
      throw new TypeError(`${path}.params is not allowed: the parameters are given separately (they come from the model)`);
    }
    if (!(key in schema)) {
      const err = unknownNameError('option', key, known);
      throw new TypeError(`${err.message.replace('unknown option', `unknown ${optimizerName} option`)} (at ${path}.${key})`);
    }
  }
}

/** Type and range checks of one set of option values (a group or the defaults). */
export function validateOptions(schema: OptionSchema, values: Record<string, unknown>, path: string, pathInMessage: boolean): void {
  for (const [key, spec] of Object.entries(schema)) {
    if (!(key in values)) continue;
    const value = values[key];
    checkKind(`${path}.${key}`, spec, value);
    if (spec.check && value !== null) {
      const message = spec.check(value as never);
      if (message) throw new RangeError(pathInMessage ? `${message} (${path}.${key})` : message);
    }
  }
}

/**
 * A loaded group with the options its reference fills on load (`__setstate__`'s setdefault: the
 * booleans, and the numbers marked fillOnLoad) set to the reference's defaults, as it does (a
 * state dict from an older PyTorch lacks `maximize` or `foreach`); any other missing option is an
 * error, before anything changes.
 */
export function completeLoadedGroup(optimizerName: string, schema: OptionSchema, group: Record<string, unknown>, path: string): Record<string, unknown> {
  const out = { ...group };
  const missing: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    if (key in out) continue;
    const fillable = spec.fillOnLoad || spec.kind === 'boolean' || spec.kind === 'boolean-or-null';
    if (fillable) out[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    else missing.push(key);
  }
  if (missing.length > 0) {
    throw new Error(`${path} lacks ${missing.map((k) => `'${k}'`).join(', ')}, which ${optimizerName} needs (its options: ${Object.keys(schema).join(', ')})`);
  }
  return out;
}

/** The defaults of a schema as a fresh object. */
export function schemaDefaults(schema: OptionSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) out[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  return out;
}
