import * as path from 'path';

import { writeReport } from '../report/html-report';
import { ParsedArgs } from './args';

/** `sg-optim report <run folder>`: rebuilds the folder's report.html from its log. */
export function reportCommand(args: ParsedArgs): number {
  if (args.overrides.length !== 1) throw new Error(`report takes one run folder (the experiment folder with log.jsonl), got ${args.overrides.length === 0 ? 'none' : args.overrides.join(' ')}`);
  const file = writeReport(path.resolve(args.overrides[0]));
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}
