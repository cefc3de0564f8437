/**
 * The resolvers a recipe may call as `${name:arg1,arg2}`: OmegaConf's `oc.env` and `oc.select`,
 * and the ones SuperGradients registers for its recipes (`add`, `cond`, `getitem`, `first`,
 * `last`). Anything else is an error naming the resolver.
 */
import { parse as parseYaml } from 'yaml';

import { isPlainObject, unknownNameError } from '../errors';

/** Splits resolver arguments at top-level commas (not inside `${}`, brackets or quotes). */
export function splitArgs(text: string): string[] {
  if (text.trim() === '') return [];
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  args.push(current.trim());
  return args;
}

/** A literal argument read as YAML would (`1e-3` a number, `true`, `'text'`), else the text itself. */
export function parseLiteral(text: string): unknown {
  try {
    const value = parseYaml(text);
    return value === undefined ? null : value;
  } catch {
    return text;
  }
}

type Resolver = (args: unknown[], select: (key: string) => unknown) => unknown;

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new RangeError(`${name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

function list(name: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} expects a list, got ${JSON.stringify(value)}`);
  if (value.length === 0) throw new RangeError(`${name} of an empty list`);
  return value;
}

const RESOLVERS: Record<string, Resolver> = {
  'oc.env': (args) => {
    arity('oc.env', args, 1, 2);
    const value = process.env[String(args[0])];
    if (value !== undefined) return value;
    if (args.length === 2) return args[1] === null ? null : String(args[1]);
    throw new Error(`environment variable '${String(args[0])}' is not set`);
  },
  'oc.select': (args, select) => {
    arity('oc.select', args, 1, 2);
    const value = select(String(args[0]));
    return value === undefined ? (args[1] ?? null) : value;
  },
  add: (args) => {
    if (!args.every((a) => typeof a === 'number')) throw new TypeError(`add expects numbers, got ${JSON.stringify(args)}`);
    return (args as number[]).reduce((a, b) => a + b, 0);
  },
  cond: (args) => {
    arity('cond', args, 3);
    return args[0] ? args[1] : args[2];
  },
  getitem: (args) => {
    arity('getitem', args, 2);
    const [container, key] = args;
    // Own items only: `getitem: ${x}, constructor` is no item of x.
    const value = Array.isArray(container) ? container[Number(key)] : isPlainObject(container) && Object.hasOwn(container, String(key)) ? container[String(key)] : undefined;
    if (value === undefined) throw new RangeError(`getitem: no item ${JSON.stringify(key)} in ${JSON.stringify(container)}`);
    return value;
  },
  first: (args) => {
    arity('first', args, 1);
    return list('first', args[0])[0];
  },
  last: (args) => {
    arity('last', args, 1);
    const l = list('last', args[0]);
    return l[l.length - 1];
  },
};

/** Calls resolver `name`; `select` reads a key of the recipe (undefined when missing). */
export function callResolver(name: string, args: unknown[], select: (key: string) => unknown): unknown {
  // Own properties only: `${toString:}` must be an unknown resolver, not Object.prototype's.
  const resolver = Object.hasOwn(RESOLVERS, name) ? RESOLVERS[name] : undefined;
  if (!resolver) throw unknownNameError('resolver', name, Object.keys(RESOLVERS));
  return resolver(args, select);
}
