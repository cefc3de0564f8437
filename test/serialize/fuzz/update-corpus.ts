/**
 * Refreshes test/serialize/corpus/: runs the fuzzer (SG_FUZZ_COUNT mutants, 20 000 by default),
 * keeps the smallest mutant for each distinct outcome, shrinks it further by deleting byte ranges
 * while the outcome stays the same (a bounded number of tries), and records each file's exact
 * outcome in expected.json. The corpus stays small and every check the fuzzer reached stays
 * exercised on every test run.
 * Python-written seeds (python-*.pth) are kept as they are. Run: node dist/test/serialize/fuzz/update-corpus.js
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { mutant } from './mutate';
import { outcome, shape } from './outcome';
import { CORPUS, ourSeeds, pythonSeeds } from './seeds';

const COUNT = Number(process.env.SG_FUZZ_COUNT ?? 20000);
const seeds = [...ourSeeds(), ...pythonSeeds()];
const best = new Map<string, Buffer>();
for (let i = 0; i < COUNT; i++) {
  const bytes = mutant(seeds[i % seeds.length][1], i);
  const o = outcome(bytes);
  if ('bug' in o) throw new Error(`mutant ${i}: ${o.bug}`);
  const s = shape(o);
  if (!best.has(s) || best.get(s)!.length > bytes.length) best.set(s, bytes);
}
/** Greedy delta debugging: drop ranges (64, 16, 4, 1 bytes) while the shape holds; at most 3000 tries. */
function minimise(bytes: Buffer, want: string): Buffer {
  let tries = 0;
  for (const chunk of [64, 16, 4, 1]) {
    for (let at = 0; at + chunk <= bytes.length && tries < 3000; ) {
      const smaller = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + chunk)]);
      tries++;
      if (shape(outcome(smaller)) === want) bytes = smaller;
      else at += chunk;
    }
  }
  return bytes;
}

for (const [s, bytes] of best) best.set(s, minimise(bytes, s));
for (const f of fs.readdirSync(CORPUS)) if (f.startsWith('fuzz-')) fs.rmSync(path.join(CORPUS, f));
const expected: Record<string, string> = {};
for (const [name] of pythonSeeds()) expected[name] = 'loads';
for (const bytes of best.values()) {
  const name = `fuzz-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.pth`;
  fs.writeFileSync(path.join(CORPUS, name), bytes);
  const o = outcome(bytes);
  expected[name] = 'loads' in o ? 'loads' : 'error' in o ? o.error : '';
}
const sorted = Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b)));
fs.writeFileSync(path.join(CORPUS, 'expected.json'), `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${best.size} outcomes kept from ${COUNT} mutants; corpus: ${Object.keys(sorted).length} files`);
