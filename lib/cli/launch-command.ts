import * as fs from 'fs';
import * as path from 'path';

import { launch } from '../distributed/launcher';
import { ParsedArgs, stringFlag } from './args';

/** An integer flag's value in [min, max], undefined when absent; anything else is an error naming the flag. */
function integerFlag(args: ParsedArgs, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    const hint = name === 'nnodes' && raw.includes(':') ? ' (elastic MIN:MAX ranges are not supported)' : '';
    throw new Error(`--${name} must be an integer, got '${raw}'${hint}`);
  }
  const v = Number(raw.trim());
  if (v < min || v > max) throw new Error(`--${name} must be in [${min}, ${max}], got ${v}`);
  return v;
}

/**
 * The worker command line: `sg-optim ...` runs this CLI with the same Node.js, a `.js`, `.cjs` or
 * `.mjs` file runs with the same Node.js, anything else is run as an executable (`node -e ...`,
 * `python train.py`).
 */
function workerCommand(rest: string[]): string[] {
  const [first, ...args] = rest;
  if (first === 'sg-optim') return [process.execPath, path.join(__dirname, 'main.js'), ...args];
  if (/\.[cm]?js$/.test(first)) {
    if (!fs.existsSync(first)) throw new Error(`no such script '${first}' (relative to ${process.cwd()})`);
    return [process.execPath, first, ...args];
  }
  return rest;
}

/** `sg-optim launch --nproc-per-node N [...] -- <command...>`: the torchrun-style launcher. */
export async function launchCommand(args: ParsedArgs): Promise<number> {
  const rest = args.passthrough;
  if (rest === undefined || rest.length === 0) {
    const stray = args.overrides.length > 0 ? ` (put it after '--': sg-optim launch --nproc-per-node N -- ${args.overrides.join(' ')})` : '';
    throw new Error(`launch needs the workers' command after '--', e.g. sg-optim launch --nproc-per-node 2 -- train.js${stray}`);
  }
  if (args.overrides.length > 0) throw new Error(`unexpected '${args.overrides.join(' ')}' before '--': the workers' command goes after '--'`);
  const nproc = integerFlag(args, 'nproc-per-node', 1);
  if (nproc === undefined) throw new Error('--nproc-per-node is required: the number of workers on this node');
  const nnodes = integerFlag(args, 'nnodes', 1) ?? 1;
  const nodeRank = integerFlag(args, 'node-rank', 0) ?? 0;
  if (nodeRank >= nnodes) throw new Error(`--node-rank ${nodeRank} must be below --nnodes ${nnodes}`);
  const masterPort = integerFlag(args, 'master-port', 0, 65535);
  if (masterPort === 0 && nnodes > 1) throw new Error('--master-port 0 (a free port) works with one node only: the other nodes cannot know which port node 0 picked; give every node the same --master-port');
  const masterAddr = stringFlag(args, 'master-addr');
  const run = await launch({ nprocPerNode: nproc, nnodes, nodeRank, masterAddr, masterPort, command: workerCommand(rest), handleSignals: true });
  return (await run.result).exitCode;
}
