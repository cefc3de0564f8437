import { OptimizerInfo } from '../optim/optimizer-info';
import { listOptimizers } from '../optim/registry';
import { ParsedArgs } from './args';

const FLAG_TEXT: Record<string, string> = { stepAsTensor: 'step kept as a tensor', hasGroupState: 'has group state' };

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** One optimizer's record as text: name and reference, description, SG defaults, flags, options. */
export function formatOptimizerRecord(info: OptimizerInfo): string {
  const defaults = Object.entries(info.sgDefaults).map(([k, v]) => `${k}=${show(v)}`);
  const flags = Object.entries(info.flags).filter(([, on]) => on).map(([k]) => FLAG_TEXT[k] ?? k);
  const options = info.schema ? Object.entries(info.schema).map(([k, spec]) => `${k}=${show(spec.default)}`) : [];
  return [
    `${info.name} (${info.reference})`,
    `  ${info.description}`,
    `  SuperGradients' defaults: ${defaults.length ? defaults.join(', ') : 'none'}`,
    `  flags: ${flags.length ? flags.join(', ') : 'none'}`,
    `  options: ${info.schema ? options.join(', ') : 'not declared'}`,
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
