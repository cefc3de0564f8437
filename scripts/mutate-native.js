#!/usr/bin/env node
/**
 * Scripted C++ mutation testing of the optimizer math (native/kernels) and the fused CPU path
 * (native/optim): `npm run mutate:native`. Each mutant is one exact text replacement that must
 * match exactly once (so the list fails loudly when the code moves on), planted in a copy of
 * native/ + CMakeLists.txt under build-mutants/src (never in native/ itself), built incrementally
 * in one persistent build folder (build-mutants/build; ccache when installed makes every revert a
 * cache hit), tested with SG_OPTIM_BINARY pointing at the mutant binary, and reverted.
 *
 * The unmutated copy is built and tested first: a baseline that fails stops the run.
 * Results: a table on stdout and mutate/native.json. Not run in CI (minutes per mutant on 2 cores).
 *
 * Usage: node scripts/mutate-native.js [--only id,id] [--list] [--source worktree|<git rev>] [--skip-baseline-tests] [--out file.json]
 *   --source  where native/ is copied from: the working tree (default) or a committed revision
 *             (`--source HEAD`: what is committed, untouched by edits in progress).
 *   --skip-baseline-tests  build the unmutated copy but do not test it (a rerun of a few mutants
 *             on sources whose baseline already passed; recorded as skipped in the JSON).
 * The tests are the compiled ones in dist/ (run `npx tsc -p tsconfig.json` first; npm run does).
 */
'use strict';

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const work = path.join(root, 'build-mutants');
const src = path.join(work, 'src');
const build = path.join(work, 'build');

/** Test files run against every mutant, in this order, stopping at the first failure. */
const OPTIM_TESTS = ['fused', 'golden', 'api', 'param-groups', 'state-dict', 'load-and-live', 'errors'].map((n) => `dist/test/optim/${n}.test.js`);

/**
 * The mutants. `file` is relative to the repository root; `from` must occur exactly once in it.
 * `focus` (a mocha --grep) selects the tests run first, so that a mutant dies in seconds; one
 * that passes them is then run against every test file. The first five are the bugs of issue 16
 * that the suite once let through.
 */
const MUTANTS = [
  {
    id: 'rmsproptf-eps-outside-sqrt',
    focus: 'RMSpropTF',
    what: 'RMSpropTF fused: eps added after the square root instead of inside it',
    file: 'native/kernels/optimizer_math.h',
    from: 'avg = Sqrt(sq + T(s.eps));',
    to: 'avg = Sqrt(sq) + T(s.eps);',
  },
  {
    id: 'lion-beta1-for-beta2',
    focus: 'Lion',
    what: 'Lion fused: the momentum update uses beta1 where beta2 belongs',
    file: 'native/kernels/optimizer_math.h',
    from: 'm = m * T(s.beta2) + T(1 - s.beta2) * g;',
    to: 'm = m * T(s.beta1) + T(1 - s.beta1) * g;',
  },
  {
    id: 'chunk-last-element-skipped',
    focus: 'SGD',
    what: 'fused CPU: the last element of every 32768-element chunk is never updated',
    file: 'native/optim/fused_cpu.cc',
    from: 'spans.push_back({j, b, std::min<int64_t>(sizes[j], b + kChunk)});',
    to: 'spans.push_back({j, b, std::min<int64_t>(sizes[j], b + kChunk - 1)});',
  },
  {
    id: 'sgd-dampening-dropped-generic-only',
    focus: 'SGD',
    what: 'SGD fused: dampening ignored in the baseline (generic) build of the loops only, AVX2 build intact',
    file: 'native/optim/fused_loops.inc',
    from: '  if (buf != nullptr) {\n    for (int64_t i = b; i < e; ++i) math::SgdElement<T, true>(p[i], g[i], buf[i], j.s);',
    to:
      '  math::SgdScalars s = j.s;\n' +
      '  if constexpr (SG_LOOPS_NAME[0] == \'g\') s.dampening = 0;  // mutant: "generic" build only\n' +
      '  if (buf != nullptr) {\n    for (int64_t i = b; i < e; ++i) math::SgdElement<T, true>(p[i], g[i], buf[i], s);',
  },
  {
    id: 'lamb-grad-not-written-back',
    focus: 'Lamb',
    what: 'Lamb fused: the clipped gradient (g / clip) is not written back to p.grad',
    file: 'native/kernels/optimizer_math.h',
    from: 'LambMomentsAndUpdate(T p, T& g, T& m, T& v, T clip, const LambScalars& s)',
    to: 'LambMomentsAndUpdate(T p, T g, T& m, T& v, T clip, const LambScalars& s)',
  },
  // ---- more realistic slips ----
  {
    id: 'adam-bias-correction2-unsquared',
    focus: 'Adam',
    what: 'Adam/AdamW fused: divides by bias_correction2 instead of its square root',
    file: 'native/optim/adam.h',
    from: 'o.lr() / bc1, std::sqrt(bc2),',
    to: 'o.lr() / bc1, bc2,',
  },
  {
    id: 'adam-amsgrad-min',
    focus: 'Adam',
    what: 'Adam fused: amsgrad keeps the minimum of the second moments instead of the maximum',
    file: 'native/kernels/optimizer_math.h',
    from: 'T mx = *vmax > v ? *vmax : v;',
    to: 'T mx = *vmax < v ? *vmax : v;',
  },
  {
    id: 'adamw-decay-dropped',
    focus: 'AdamW',
    what: 'AdamW fused: decoupled weight decay never applied',
    file: 'native/kernels/optimizer_math.h',
    from: 'if (s.weight_decay != 0) p = p * T(s.decay_factor);',
    to: 'if (s.weight_decay == 0) p = p * T(s.decay_factor);',
  },
  {
    id: 'adam-coupled-decay-sign',
    focus: 'Adam',
    what: 'Adam fused: L2 weight decay added with the wrong sign',
    file: 'native/kernels/optimizer_math.h',
    from: '  } else if (s.weight_decay != 0) {\n    g = g + T(s.weight_decay) * p;',
    to: '  } else if (s.weight_decay != 0) {\n    g = g - T(s.weight_decay) * p;',
  },
  {
    id: 'sgd-nesterov-swapped',
    focus: 'SGD',
    what: 'SGD fused: Nesterov look-ahead with d_p and the buffer swapped',
    file: 'native/kernels/optimizer_math.h',
    from: 'd_p = s.nesterov ? d_p + T(s.momentum) * b : b;',
    to: 'd_p = s.nesterov ? b + T(s.momentum) * d_p : b;',
  },
  {
    id: 'rmsprop-centered-sign',
    focus: 'RMSprop',
    what: 'RMSprop fused (centered): adds the squared mean instead of subtracting it',
    file: 'native/kernels/optimizer_math.h',
    from: 'avg = Sqrt(sq + T(-1) * ga * ga) + T(s.eps);',
    to: 'avg = Sqrt(sq + ga * ga) + T(s.eps);',
  },
  {
    id: 'rmsproptf-lr-in-momentum-dropped',
    focus: 'RMSpropTF',
    what: 'RMSpropTF fused (lr_in_momentum): the buffer accumulates without the learning rate',
    file: 'native/kernels/optimizer_math.h',
    from: 'T b = buf * T(s.momentum) + T(s.lr) * (g / avg);',
    to: 'T b = buf * T(s.momentum) + (g / avg);',
  },
  {
    id: 'rmsproptf-decoupled-decay-sign',
    focus: 'RMSpropTF',
    what: 'RMSpropTF fused (decoupled_decay): weights grow instead of decaying',
    file: 'native/kernels/optimizer_math.h',
    from: 'if (s.decoupled_decay) p = p + T(-s.weight_decay) * p;',
    to: 'if (s.decoupled_decay) p = p + T(s.weight_decay) * p;',
  },
  {
    id: 'lamb-trust-clip-inverted',
    focus: 'Lamb',
    what: 'Lamb fused (trust_clip): clamps trust ratios below 1 up to 1 instead of those above 1 down',
    file: 'native/optim/lamb.cc',
    from: 'if (j.trust_clip && trust > T(1)) trust = T(1);',
    to: 'if (j.trust_clip && trust < T(1)) trust = T(1);',
  },
  {
    id: 'lamb-grad-averaging-swapped',
    focus: 'Lamb',
    what: 'Lamb (its scalars, shared by every path): beta3 of grad_averaging true and false swapped',
    file: 'native/optim/lamb.cc',
    from: 'o.grad_averaging() ? 1 - beta1 : 1.0',
    to: 'o.grad_averaging() ? 1.0 : 1 - beta1',
  },
  {
    id: 'lamb-bias-correction-off-by-one',
    focus: 'Lamb',
    what: 'Lamb (its scalars, shared by every path): bias corrections use step + 1',
    file: 'native/optim/lamb.cc',
    from: 'bc1 = 1 - std::pow(beta1, static_cast<double>(step));',
    to: 'bc1 = 1 - std::pow(beta1, static_cast<double>(step + 1));',
  },
  {
    id: 'sum-of-squares-tail-off-by-one',
    focus: 'Lamb',
    what: "Lamb fused: the global gradient norm misses the last element of each chunk's odd tail",
    file: 'native/optim/fused_loops.inc',
    from: 'for (; i < e; ++i) total += static_cast<double>(x[i]) * static_cast<double>(x[i]);',
    to: 'for (; i + 1 < e; ++i) total += static_cast<double>(x[i]) * static_cast<double>(x[i]);',
  },
  {
    id: 'lion-reference-decay-dropped',
    focus: 'Lion',
    what: 'Lion reference path (fused: false): weight decay never applied',
    file: 'native/optim/lion.cc',
    from: 'p.mul_(s.decay_factor);',
    to: 'p.mul_(1.0);',
  },
  {
    id: 'maximize-negates-callers-grad',
    focus: 'maximize',
    what: "maximize: negates the caller's gradient in place instead of stepping on a negated copy",
    file: 'native/optim/optimizer_wrap.cc',
    from: 'p.mutable_grad() = p.grad().neg();',
    to: 'p.mutable_grad().neg_();',
  },
];

function parseArgs(argv) {
  const out = { only: null, list: false, source: 'worktree', baseline: true, out: path.join(root, 'mutate', 'native.json') };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--only') out.only = argv[++i].split(',');
    else if (a === '--list') out.list = true;
    else if (a === '--source') out.source = argv[++i];
    else if (a === '--skip-baseline-tests') out.baseline = false;
    else if (a === '--out') out.out = path.resolve(argv[++i]);
    else throw new Error(`mutate-native: unknown argument ${a}`);
  }
  return out;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return r;
}

function listFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Writes `text` to `file` only when it differs, so unchanged sources keep their times and objects. */
function writeIfChanged(file, text) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/** Copies native/, CMakeLists.txt and cmake/ (from the working tree or a git revision) into build-mutants/src. */
function syncSources(source) {
  const wanted = new Map(); // relative path -> content
  if (source === 'worktree') {
    for (const top of ['native', 'cmake']) {
      const dir = path.join(root, top);
      if (!fs.existsSync(dir)) continue;
      for (const f of listFiles(dir)) wanted.set(path.relative(root, f), fs.readFileSync(f, 'utf8'));
    }
    wanted.set('CMakeLists.txt', fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8'));
  } else {
    const ls = run('git', ['-C', root, 'ls-tree', '-r', '--name-only', source, '--', 'native', 'cmake', 'CMakeLists.txt']);
    if (ls.status !== 0) throw new Error(`mutate-native: git ls-tree ${source} failed: ${ls.stderr}`);
    for (const rel of ls.stdout.split('\n').filter(Boolean)) {
      const show = run('git', ['-C', root, 'show', `${source}:${rel}`]);
      if (show.status !== 0) throw new Error(`mutate-native: git show ${source}:${rel} failed`);
      wanted.set(rel, show.stdout);
    }
  }
  fs.mkdirSync(src, { recursive: true });
  for (const f of listFiles(src)) {
    const rel = path.relative(src, f);
    if (!wanted.has(rel)) fs.rmSync(f);
  }
  for (const [rel, text] of wanted) writeIfChanged(path.join(src, rel), text);
  return wanted;
}

function configure() {
  if (fs.existsSync(path.join(build, 'build.ninja'))) return;
  const inc = ['node_modules/node-api-headers/include', 'node_modules/node-addon-api'].map((d) => path.join(root, d)).join(';');
  const args = ['-S', src, '-B', build, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release', `-DCMAKE_JS_INC=${inc}`, '-DCMAKE_CXX_FLAGS=-DBUILDING_NODE_EXTENSION'];
  if (run('sh', ['-c', 'command -v ccache']).status === 0) args.push('-DCMAKE_CXX_COMPILER_LAUNCHER=ccache');
  const r = run('cmake', args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('mutate-native: cmake configure failed');
}

function ninja() {
  const t0 = Date.now();
  const jobs = process.env.MUTATE_JOBS || '2';
  const r = run('nice', ['-n', '10', 'ninja', '-C', build, `-j${jobs}`], { env: { ...process.env, CCACHE_DIR: process.env.CCACHE_DIR || path.join(work, 'ccache') } });
  return { ok: r.status === 0, seconds: (Date.now() - t0) / 1000, log: (r.stdout + r.stderr).slice(-4000) };
}

function binaryPath() {
  for (const p of [path.join(build, 'sg_optim.node'), path.join(build, 'Release', 'sg_optim.node')]) if (fs.existsSync(p)) return p;
  throw new Error('mutate-native: no sg_optim.node in build-mutants/build');
}

/** Runs the test files against `binary`, stopping at the first failure. */
function runTests(binary, files, grep) {
  const t0 = Date.now();
  const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const r = run('nice', ['-n', '10', process.execPath, mocha, '--no-config', '--bail', '--reporter', 'dot', '--timeout', '300000', ...(grep ? ['--grep', grep] : []), ...files], {
    cwd: root,
    env: { ...process.env, SG_OPTIM_BINARY: binary },
    timeout: Number(process.env.MUTATE_TEST_TIMEOUT_S || 1800) * 1000,
  });
  const out = r.stdout + r.stderr;
  // mocha prints the first failure's suites and title on consecutive lines, the title ending in ':'.
  const failing = /^ {2}1\) ([\s\S]*?):\n/m.exec(out);
  const firstFailure = failing ? failing[1].split('\n').map((l) => l.trim()).join(' / ') : null;
  return { passed: r.status === 0, status: r.status, signal: r.signal, seconds: (Date.now() - t0) / 1000, firstFailure, log: out.slice(-3000) };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const chosen = args.only ? MUTANTS.filter((m) => args.only.includes(m.id)) : MUTANTS;
  if (args.only && chosen.length !== args.only.length) throw new Error(`mutate-native: unknown mutant in --only ${args.only.join(',')}`);
  if (args.list) {
    for (const m of MUTANTS) console.log(`${m.id.padEnd(36)} ${m.file}  ${m.what}`);
    return;
  }
  for (const f of OPTIM_TESTS) if (!fs.existsSync(path.join(root, f))) throw new Error(`mutate-native: ${f} missing: run npx tsc -p tsconfig.json first`);
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, '.gitignore'), '*\n');
  const sources = syncSources(args.source);

  // Every mutant must match exactly once before anything is built.
  for (const m of chosen) {
    const text = sources.get(m.file);
    if (text === undefined) throw new Error(`mutant ${m.id}: ${m.file} not found`);
    const count = text.split(m.from).length - 1;
    if (count !== 1) throw new Error(`mutant ${m.id}: expected exactly one match in ${m.file}, found ${count}: the list is stale, update it`);
  }

  configure();
  const started = Date.now();
  console.log('mutate-native: baseline build (unmutated copy)');
  const base = ninja();
  if (!base.ok) throw new Error(`mutate-native: the unmutated copy does not build:\n${base.log}`);
  const baseTests = args.baseline ? runTests(binaryPath(), OPTIM_TESTS) : { passed: true, skipped: true, seconds: 0 };
  console.log(`  built in ${base.seconds.toFixed(0)} s, tests ${baseTests.skipped ? 'skipped' : baseTests.passed ? 'pass' : 'FAIL'} in ${baseTests.seconds.toFixed(0)} s`);
  if (!baseTests.passed) throw new Error(`mutate-native: the tests fail on the unmutated copy:\n${baseTests.log}`);

  const results = [];
  for (const m of chosen) {
    const file = path.join(src, m.file);
    const original = sources.get(m.file);
    let result;
    try {
      fs.writeFileSync(file, original.replace(m.from, () => m.to));
      const b = ninja();
      if (!b.ok) {
        result = { id: m.id, status: 'compile-error', buildSeconds: b.seconds, log: b.log };
      } else {
        const files = m.tests || OPTIM_TESTS;
        let t = m.focus ? runTests(binaryPath(), files, m.focus) : null;
        let testSeconds = t ? t.seconds : 0;
        if (!t || t.passed) {
          t = runTests(binaryPath(), files);
          testSeconds += t.seconds;
        }
        result = { id: m.id, status: t.passed ? 'survived' : 'killed', buildSeconds: b.seconds, testSeconds, killedBy: t.firstFailure, exit: t.status, signal: t.signal };
        if (t.passed) result.log = t.log;
      }
    } finally {
      fs.writeFileSync(file, original); // new time stamp: the next build recompiles it (ccache: from cache)
    }
    result = { ...result, file: m.file, what: m.what };
    results.push(result);
    const secs = `${result.buildSeconds.toFixed(0)}+${(result.testSeconds || 0).toFixed(0)} s`;
    console.log(`  ${result.status.padEnd(13)} ${m.id.padEnd(36)} ${secs.padStart(10)}  ${result.killedBy ? 'by: ' + result.killedBy.slice(-110) : ''}`);
  }
  // Leave the copy unmutated and built.
  const restore = ninja();

  const killed = results.filter((r) => r.status === 'killed').length;
  const valid = results.filter((r) => r.status !== 'compile-error').length;
  const summary = {
    date: new Date().toISOString(),
    source: args.source,
    sourceHash: crypto.createHash('sha256').update(JSON.stringify([...sources])).digest('hex').slice(0, 16),
    tests: OPTIM_TESTS,
    baseline: { buildSeconds: base.seconds, testSeconds: baseTests.seconds, passed: baseTests.skipped ? 'skipped' : baseTests.passed },
    killed,
    survived: results.filter((r) => r.status === 'survived').length,
    compileErrors: results.length - valid,
    score: valid ? killed / valid : null,
    minutes: (Date.now() - started) / 60000,
    restoredBuild: restore.ok,
    mutants: results,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify(summary, null, 2) + '\n');
  console.log('\n| mutant | file | result | first failing test |\n|---|---|---|---|');
  for (const r of results) console.log(`| ${r.id} | ${r.file} | ${r.status} | ${r.killedBy ?? ''} |`);
  console.log(`\nmutate-native: ${killed}/${valid} killed (${summary.score === null ? 'n/a' : (100 * summary.score).toFixed(1) + '%'}) in ${summary.minutes.toFixed(1)} min; ${path.relative(root, args.out)}`);
  if (results.some((r) => r.status === 'survived')) process.exitCode = 1;
}

try {
  main();
} catch (e) {
  console.error(e.message || e);
  process.exitCode = 2;
}
