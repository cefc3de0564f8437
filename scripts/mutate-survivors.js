#!/usr/bin/env node
/**
 * Lists what a StrykerJS run left alive: `node scripts/mutate-survivors.js [mutate/stryker-*.json]`
 * (default: every mutate/stryker-*.json; a mutant several reports measured counts once, from the newest).
 * Prints the score per folder, then one line per surviving (or uncovered) mutant: file:line:column,
 * mutator, original -> replacement.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const reports = process.argv.slice(2);
if (reports.length === 0) {
  const dir = path.join(root, 'mutate');
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) if (/^stryker-.*\.json$/.test(f)) reports.push(path.join(dir, f));
}
if (reports.length === 0) {
  console.error('mutate-survivors: no report; run npm run mutate:ts first');
  process.exit(2);
}

// Several reports may measure the same mutant (a run before and after new tests, or one over a
// file's survivor lines only, MUTATE_TAG): each mutant counts once, from the newest report that
// has it (same file, place, mutator and replacement). A report of an older source of a file
// starts that file afresh.
reports.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
const latest = new Map();
for (const report of reports) {
  for (const [file, entry] of Object.entries(JSON.parse(fs.readFileSync(report, 'utf8')).files)) {
    const key = path.resolve(root, file);
    const known = latest.get(key);
    const merged = known && known.source === entry.source ? known : { source: entry.source, mutants: new Map() };
    for (const m of entry.mutants) {
      const { start, end } = m.location;
      merged.mutants.set(`${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName} ${m.replacement ?? ''}`, m);
    }
    latest.set(key, merged);
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
const perFolder = new Map();
const perFile = new Map();
const alive = [];
for (const [file, entry] of latest) {
  const rel = path.relative(root, file);
  const folder = rel.split(path.sep).slice(0, 2).join('/');
  const lines = entry.source.split('\n');
  const f = perFolder.get(folder) ?? { detected: 0, counted: 0, ignored: 0, compileErrors: 0 };
  const one = { detected: 0, counted: 0, ignored: 0, compileErrors: 0 };
  for (const m of entry.mutants.values()) {
    for (const c of [f, one]) {
      if (m.status === 'CompileError') c.compileErrors++;
      if (m.status === 'Ignored') c.ignored++;
      if (COUNTED.has(m.status)) c.counted++;
      if (DETECTED.has(m.status)) c.detected++;
    }
    if (!COUNTED.has(m.status)) continue;
    if (!DETECTED.has(m.status)) {
      const { start, end } = m.location;
      const original =
        start.line === end.line ? lines[start.line - 1].slice(start.column - 1, end.column - 1) : `${lines[start.line - 1].slice(start.column - 1)} ...`;
      alive.push(`${rel}:${start.line}:${start.column}  ${m.status.padEnd(10)} ${m.mutatorName.padEnd(22)} ${oneLine(original)}  ->  ${oneLine(m.replacement ?? '')}`);
    }
  }
  perFolder.set(folder, f);
  perFile.set(rel, one);
}

function oneLine(s) {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}

for (const [what, table] of [['folder', perFolder], ['file', perFile]]) {
  console.log(`${what === 'file' ? '\n' : ''}| ${what} | score | killed+timeout / survived+no coverage | compile errors | ignored |`);
  console.log('|---|---|---|---|---|');
  for (const [name, f] of [...table].sort()) {
    const score = f.counted ? ((100 * f.detected) / f.counted).toFixed(1) + '%' : 'n/a';
    console.log(`| ${name} | ${score} | ${f.detected} / ${f.counted - f.detected} | ${f.compileErrors} | ${f.ignored} |`);
  }
}
console.log(`\n${alive.length} alive:`);
for (const line of alive.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) console.log(line);
