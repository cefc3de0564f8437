/**
 * Names a value from a checkpoint inside an error message. Messages quote what the file holds, so
 * this keeps them short and printable: a crafted name of 10 kB or a string of control characters
 * must not turn an error into a dump of the file.
 */
import { Tensor } from '../../tensor/tensor';
import { PyGlobal } from './unpickler';

const MAX = 60;

export function describe(v: unknown, depth = 0): string {
  if (v === null) return 'None';
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return /^[\w.:/-]{0,60}$/.test(v) ? `'${v}'` : JSON.stringify(v.length > MAX ? `${v.slice(0, MAX)}…` : v);
  if (v instanceof Tensor) return 'a tensor';
  if (v instanceof PyGlobal) return v.qualifiedName;
  if (Array.isArray(v)) {
    if (depth > 0) return `a sequence of ${v.length}`;
    const shown = v.slice(0, 8).map((x) => describe(x, depth + 1));
    return `[${shown.join(',')}${v.length > 8 ? ',…' : ''}]`;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return 'a dict';
  return `a ${(v as object).constructor?.name ?? typeof v}`;
}

/** A module.name global as the file spells it, quoted and cut short unless it is a plain dotted name. */
export function describeName(name: string): string {
  return /^[\w.]{1,120}$/.test(name) ? name : JSON.stringify(name.length > MAX ? `${name.slice(0, MAX)}…` : name);
}
