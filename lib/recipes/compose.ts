/**
 * Hydra's composition of a recipe (spec §14): a `defaults:` list names group options
 * (`- training_hyperparams: cifar10_resnet_train_params` → `training_hyperparams/<x>.yaml`
 * under the key `training_hyperparams`), plain names relative to the file's own group folder, and
 * `_self_` (the file's own body; last when not listed). Mappings merge recursively, later wins.
 */
import * as fs from 'fs';
import * as path from 'path';

import { isPlainObject } from '../errors';
import { atPackage, deepMerge } from './merge';
import { collectOrigins, Origins } from './origins';
import { readYamlFile, where, YamlFile } from './yaml-file';

export interface ComposeContext {
  /** Config roots, searched in order. */
  roots: string[];
  origins: Origins;
  /** Group option swaps from the command line (`training_hyperparams=other`). */
  groupSwaps: Map<string, string>;
}

/** The file of `name` (with or without .yaml) in `groupDir` under some root, or null. */
export function findConfig(roots: string[], groupDir: string, name: string): string | null {
  const file = name.endsWith('.yaml') || name.endsWith('.yml') ? name : `${name}.yaml`;
  for (const root of roots) {
    const candidate = path.join(root, groupDir, file);
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

type DefaultEntry = { kind: 'self' } | { kind: 'file'; name: string } | { kind: 'group'; group: string; option: string | null };

function parseDefaults(y: YamlFile): DefaultEntry[] {
  const list = y.data.defaults;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${where(y, ['defaults'])}: defaults must be a list`);
  return list.map((item, i): DefaultEntry => {
    if (item === '_self_') return { kind: 'self' };
    if (typeof item === 'string') return { kind: 'file', name: item };
    if (isPlainObject(item) && Object.keys(item).length === 1) {
      const [rawGroup, option] = Object.entries(item)[0];
      const group = rawGroup.replace(/^(override|optional)\s+/, '');
      if (option !== null && typeof option !== 'string') throw new Error(`${where(y, ['defaults', i])}: the option of '${group}' must be a file name`);
      return { kind: 'group', group, option };
    }
    throw new Error(`${where(y, ['defaults', i])}: a defaults entry is a name, '_self_' or {group: option}`);
  });
}

/**
 * Composes `file` (whose content belongs at package `pkg`, in group folder `groupDir`).
 * `chain` lists the files being composed, to report cycles.
 */
export function composeFile(file: string, pkg: string, groupDir: string, ctx: ComposeContext, chain: string[] = []): Record<string, unknown> {
  const real = path.resolve(file);
  if (chain.includes(real)) throw new Error(`cycle in recipe defaults: ${[...chain, real].map((f) => path.basename(f)).join(' → ')}`);
  const y = readYamlFile(real);
  const next = [...chain, real];
  const entries = parseDefaults(y);
  if (!entries.some((e) => e.kind === 'self')) entries.push({ kind: 'self' });
  const { defaults: _defaults, ...body } = y.data;
  let result: Record<string, unknown> = {};
  entries.forEach((entry, i) => {
    if (entry.kind === 'self') {
      collectOrigins(y, pkg, ctx.origins);
      result = deepMerge(result, atPackage(pkg, body));
      return;
    }
    if (entry.kind === 'file') {
      const found = [path.join(path.dirname(real), entry.name.endsWith('.yaml') ? entry.name : `${entry.name}.yaml`)].find((f) => fs.existsSync(f)) ?? findConfig(ctx.roots, groupDir, entry.name);
      if (!found) {
        throw new Error(`${where(y, ['defaults', i])}: default '${entry.name}' not found; looked in ${[path.dirname(real), ...ctx.roots.map((r) => path.join(r, groupDir))].join(', ')}`);
      }
      result = deepMerge(result, composeFile(found, pkg, groupDir, ctx, next));
      return;
    }
    const option = ctx.groupSwaps.get(entry.group) ?? entry.option;
    if (option === null) return;
    const found = findConfig(ctx.roots, entry.group, option);
    if (!found) {
      throw new Error(
        `${where(y, ['defaults', i])}: default '${entry.group}: ${option}' not found; looked for ${entry.group}/${option}.yaml in ${ctx.roots.join(', ')}`,
      );
    }
    const childPkg = [pkg, entry.group.replace(/\//g, '.')].filter(Boolean).join('.');
    result = deepMerge(result, composeFile(found, childPkg, entry.group, ctx, next));
  });
  return result;
}
