#!/usr/bin/env node
/*
 * Dev-only check (not part of the test suite, nothing of SuperGradients is committed): loads each
 * of SuperGradients' training_hyperparams files on its own, as SG's load_training_hyperparams
 * does, from a local checkout, and says for each what did not resolve and why.
 *
 *   npm run build:ts
 *   git clone --depth 1 https://github.com/Deci-AI/super-gradients /tmp/super-gradients
 *   node scripts/check-sg-recipes.js /tmp/super-gradients
 *
 * The argument is the checkout (or its src/super_gradients/recipes folder). A file passes when it
 * loads, its optimizer settings (optimizer, optimizer_params, initial_lr, lr_mode, max_epochs)
 * read without error, JSON.stringify of it works, and every value left unresolved is one SG cannot
 * resolve either when the file is loaded on its own (a key of another config group:
 * arch_params, dataset_params, ...) or a `_target_` sg-optim does not implement. Exit status 1
 * when a file does not pass.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const { loadRecipe, unresolvedValues } = require('../dist/lib/recipes');

const arg = process.argv[2];
if (!arg) {
  process.stderr.write('usage: node scripts/check-sg-recipes.js <super-gradients checkout or its recipes folder>\n');
  process.exit(2);
}
const candidates = [arg, path.join(arg, 'src', 'super_gradients', 'recipes')];
const root = candidates.find((d) => fs.existsSync(path.join(d, 'training_hyperparams')));
if (!root) {
  process.stderr.write(`no training_hyperparams folder in ${candidates.join(' or ')}\n`);
  process.exit(2);
}

/** Config groups a training_hyperparams file may refer to, which it does not itself have. */
const OTHER_GROUPS = fs
  .readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'training_hyperparams')
  .map((e) => e.name);

/** Why SG cannot resolve it either, or null when sg-optim should have. */
function sgFailsToo(message) {
  if (/unknown _target_ '/.test(message)) return 'a _target_ sg-optim does not implement';
  const missing = /unresolved interpolation \$\{[^}]*\}: no key '([^'.]+)/.exec(message);
  if (missing && OTHER_GROUPS.includes(missing[1])) return `needs ${missing[1]}, another config group`;
  return null;
}

const OPTIMIZER_KEYS = ['optimizer', 'optimizer_params', 'initial_lr', 'lr_mode', 'max_epochs', 'lr_warmup_epochs', 'zero_weight_decay_on_bias_and_bn'];

const files = fs
  .readdirSync(path.join(root, 'training_hyperparams'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
let passed = 0;
for (const file of files) {
  const name = `training_hyperparams/${file.replace(/\.yaml$/, '')}`;
  const problems = [];
  const notes = [];
  try {
    const tp = loadRecipe(name, { searchPath: [root] });
    const settings = {};
    for (const key of OPTIMIZER_KEYS) settings[key] = tp[key];
    JSON.stringify(tp);
    for (const { key, message } of unresolvedValues(tp)) {
      const why = sgFailsToo(message);
      if (why) notes.push(`${key}: ${why}`);
      else problems.push(`${key} unresolved, SG resolves it: ${message}`);
    }
    notes.unshift(`optimizer ${settings.optimizer} lr ${JSON.stringify(settings.initial_lr)} ${JSON.stringify(settings.optimizer_params)}`);
  } catch (err) {
    problems.push(err.message);
  }
  if (problems.length === 0) passed++;
  process.stdout.write(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${file}\n`);
  for (const line of [...problems, ...notes]) process.stdout.write(`       ${line}\n`);
}
process.stdout.write(`${passed} of ${files.length} training_hyperparams files load as in SG\n`);
process.exit(passed === files.length ? 0 : 1);
