import { OptimizerInfo } from '../optim/optimizer-info';
import { listOptimizers } from '../optim/registry';
import { ParsedArgs } from './args';

const FLAG_TEXT: Record<string, string> = { stepAsTensor: 'step kept as a tensor', hasGroupState: 'has group state' };

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** One optimizer's record as text: name and reference, description, SG defaults, flags, and each option with its default and doc. */
export function formatOptimizerRecord(info: OptimizerInfo): string {
  const defaults = Object.entries(info.sgDefaults).map(([k, v]) => `${k}=${show(v)}`);
  const flags = Object.entries(info.flags).filter(([, on]) => on).map(([k]) => FLAG_TEXT[k] ?? k);
  // One option a line, its default and what it does, the docs aligned in one column.
  const options = Object.entries(info.schema ?? {}).map(([k, spec]) => [`${k}=${show(spec.default)}`, spec.doc] as const);
  const width = Math.max(0, ...options.map(([setting]) => setting.length));
  return [
    `${info.name} (${info.reference})`,
    `  ${info.description}`,
    `  SuperGradients' defaults: ${defaults.length ? defaults.join(', ') : 'none'}`,
    `  flags: ${flags.length ? flags.join(', ') : 'none'}`,
    info.schema ? '  options:' : '  options: not declared',
    ...options.map(([setting, doc]) => (doc ? `    ${setting.padEnd(width)}  ${doc}` : `    ${setting}`)),
  ].join('\n');
}

/** Prints the registered optimizer names, built-ins first; `--verbose` prints their records. */
export function optimizersCommand(args: ParsedArgs): number {
  const verbose = args.flags.verbose;
  if (verbose !== undefined && verbose !== true) throw new Error('--verbose takes no value');
  if (verbose) process.stdout.write(`${listOptimizers({ verbose: true }).map(formatOptimizerRecord).join('\n\n')}\n`);
  else process.stdout.write(`${listOptimizers().join('\n')}\n`);
  return 0;
}
