/**
 * The option table of an optimizer: names, defaults and checks, with PyTorch's wording
 * ("Invalid learning rate: -1"). One table per optimizer drives validation, the native call and
 * the documentation.
 */
import { typeError, unknownNameError } from '../errors';

export type OptionKind = 'number' | 'boolean' | 'pair' | 'number-or-null' | 'boolean-or-null';

export interface OptionSpec {
  kind: OptionKind;
  default: unknown;
  /** Returns PyTorch's error message when the value is out of range. */
  check?: (value: never) => string | undefined;
  doc: string;
}

export type OptionSchema = Record<string, OptionSpec>;

/** `Invalid <what>: <value>` unless value >= 0. */
export function nonNegative(what: string) {
  return (v: number) => (v >= 0 ? undefined : `Invalid ${what}: ${v}`);
}

/** PyTorch's beta checks: 0 <= beta_i < 1. */
export function betasCheck(v: [number, number]): string | undefined {
  for (const i of [0, 1]) {
    if (!(v[i] >= 0 && v[i] < 1)) return `Invalid beta parameter at index ${i}: ${v[i]}`;
  }
  return undefined;
}

function checkKind(path: string, spec: OptionSpec, value: unknown): void {
  switch (spec.kind) {
    case 'number':
      if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(path, 'a number', value);
      return;
    case 'number-or-null':
      if (value !== null && (typeof value !== 'number' || Number.isNaN(value))) throw typeError(path, 'a number or null', value);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(path, 'a boolean', value);
      return;
    case 'boolean-or-null':
      if (value !== null && typeof value !== 'boolean') throw typeError(path, 'a boolean or null', value);
      return;
    case 'pair':
      if (!Array.isArray(value) || value.length !== 2 || !value.every((x) => typeof x === 'number' && !Number.isNaN(x))) {
        throw typeError(path, 'a pair of numbers [b1, b2]', value);
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
      const err = unknownNameError(`option`, key, known);
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

/** The defaults of a schema as a fresh object. */
export function schemaDefaults(schema: OptionSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) out[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  return out;
}

