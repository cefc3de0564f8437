/**
 * Fuzzing sg.load: a fixed COUNT of deterministic mutants of real checkpoints (ours and Python's),
 * each of which must load or throw a plain Error of ours, never crash, hang or throw anything
 * else; then the kept corpus (corpus/, with the outcome each file must have in expected.json) is
 * replayed. SG_FUZZ_COUNT raises the count for a longer local run; nothing here depends on time.
 * To refresh the corpus: node dist/test/serialize/fuzz/update-corpus.js.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { load } from '../../lib/serialize';
import { mutant } from './fuzz/mutate';
import { outcome, shape } from './fuzz/outcome';
import { CORPUS, ourSeeds, pythonSeeds } from './fuzz/seeds';

const COUNT = Number(process.env.SG_FUZZ_COUNT ?? 10000);

describe('sg.load fuzzing', function () {
  this.timeout(0); // bounded by COUNT, not by the clock

  it('the seeds themselves load (ours and the Python-written corpus files)', () => {
    const seeds = [...ourSeeds(), ...pythonSeeds()];
    assert.ok(seeds.length >= 4, `${seeds.length} seeds`);
    for (const [name, bytes] of seeds) assert.deepEqual(outcome(bytes), { loads: true }, name);
  });

  it(`${COUNT} mutants of real checkpoints each load or throw a clear Error`, () => {
    const seeds = [...ourSeeds(), ...pythonSeeds()];
    const shapes = new Map<string, number>();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-fuzz-'));
    for (let i = 0; i < COUNT; i++) {
      const [name, seed] = seeds[i % seeds.length];
      const bytes = mutant(seed, i);
      const o = outcome(bytes);
      if ('bug' in o) {
        const file = path.join(dir, `${name}-${i}.pth`);
        fs.writeFileSync(file, bytes);
        assert.fail(`mutant ${i} of ${name} (${file}): ${o.bug}`);
      }
      shapes.set(shape(o), (shapes.get(shape(o)) ?? 0) + 1);
    }
    // The mutants reach deep: many distinct checks fire (40 of the ~90 known by 5000 mutants), and some still load.
    if (COUNT >= 5000) assert.ok(shapes.size >= 40, `only ${shapes.size} distinct outcomes:\n${[...shapes.keys()].join('\n')}`);
    assert.ok((shapes.get('loads') ?? 0) > 0, 'no mutant loads');
    assert.ok([...shapes.keys()].some((s) => s.startsWith('pickle:')), 'no mutant reached the pickle VM');
  });

  it('the kept corpus replays with the outcome recorded for each file', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as Record<string, string>;
    const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.pth')).sort();
    assert.deepEqual(files, Object.keys(expected).sort(), 'every corpus file has an expected outcome');
    assert.ok(files.length >= 30, `${files.length} corpus files`);
    for (const f of files) {
      const file = path.join(CORPUS, f);
      if (expected[f] === 'loads') {
        assert.doesNotThrow(() => load(file), f);
        assert.deepEqual(outcome(fs.readFileSync(file)), { loads: true }, f);
      } else {
        assert.throws(() => load(file), (err: Error) => err.constructor === Error && err.message === `${file} is not a readable PyTorch checkpoint (truncated or corrupted?): ${expected[f]}`, f);
      }
    }
  });
});
