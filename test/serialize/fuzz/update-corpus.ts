/**
 * Grows test/serialize/corpus/: runs the fuzzer (SG_FUZZ_COUNT mutants from number SG_FUZZ_FROM;
 * 20 000 from 0 by default), and
 * for each distinct outcome no corpus file has yet, adds the smallest mutant, shrunk further by
 * deleting byte ranges while the outcome stays the same (a bounded number of tries). Files
 * already in the corpus are kept; expected.json records every file's exact outcome now (review
 * its diff: a changed outcome is a changed reader). The corpus stays small and every check the
 * fuzzer reached stays exercised on every test run.
 * Python-written seeds (python-*.pth) are kept as they are. Run: node dist/test/serialize/fuzz/update-corpus.js
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { mutant } from './mutate';
import { outcome, shape } from './outcome';
import { CORPUS, ourSeeds, pythonSeeds } from './seeds';

const COUNT = Number(process.env.SG_FUZZ_COUNT ?? 20000);
const FROM = Number(process.env.SG_FUZZ_FROM ?? 0); // explore other mutants than the test runs
const seeds = [...ourSeeds(), ...pythonSeeds()];
const best = new Map<string, Buffer>();
for (let i = FROM; i < FROM + COUNT; i++) {
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

const kept = fs.readdirSync(CORPUS).filter((f) => f.startsWith('fuzz-') && f.endsWith('.pth'));
const covered = new Set(kept.map((f) => shape(outcome(fs.readFileSync(path.join(CORPUS, f))))));
const expected: Record<string, string> = {};
const record = (name: string, bytes: Buffer) => {
  const o = outcome(bytes);
  expected[name] = 'loads' in o ? 'loads' : 'error' in o ? o.error : '';
};
for (const [name, bytes] of pythonSeeds()) record(name, bytes);
for (const f of kept) record(f, fs.readFileSync(path.join(CORPUS, f)));
let added = 0;
for (const [s, found] of best) {
  if (covered.has(s)) continue;
  const bytes = minimise(found, s);
  const name = `fuzz-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.pth`;
  fs.writeFileSync(path.join(CORPUS, name), bytes);
  record(name, bytes);
  added++;
}
const sorted = Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b)));
fs.writeFileSync(path.join(CORPUS, 'expected.json'), `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${best.size} outcomes from ${COUNT} mutants, ${added} new; corpus: ${Object.keys(sorted).length} files`);
