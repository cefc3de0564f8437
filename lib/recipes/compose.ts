/**
 * Hydra's composition of a recipe (spec §14). A file's `defaults:` list is composed in order:
 * each group option (`- training_hyperparams: x` → `training_hyperparams/x.yaml` under the key
 * `training_hyperparams`), each plain name (a config of the file's own group), and `_self_` (the
 * file's own content; last when not listed). Each entry is merged over what came before it, so
 * later entries win: mappings merge key by key, lists and scalars replace.
 */
import * as path from 'path';

import { atPackage, deepMerge } from './merge';
import { DefaultEntry, entryText, parseDefaults } from './defaults-list';
import { Origins, recordFileOrigins } from './origins';
import { checkConfigNames, findContainedConfig } from './contained';
import { lookedIn, yamlFileName } from './search-path';
import { errorAt, readYamlFile, where, YamlFile } from './yaml-file';

/** A group selection that replaces the defaults lists' own (`group=option`, `override group: option`). */
interface GroupChoice {
  /** null removes the group (`~group`, `group=null`). */
  option: string | null;
  /** Where the choice was made, for messages: "override 'training_hyperparams=x'". */
  source: string;
  used: boolean;
}

export interface ComposeContext {
  /** Config roots, searched in order. */
  roots: string[];
  origins: Origins;
  /** Choices by full group path (`training_hyperparams`, `a/b`). */
  choices: Map<string, GroupChoice>;
  /** Groups added from the command line (`+group=option`), composed after the primary's own list. */
  appended: Array<{ group: string; option: string; source: string }>;
}

/** One file's own content, placed at its package, in the flattened merge order. */
interface Part {
  y: YamlFile;
  pkg: string;
  data: Record<string, unknown>;
}

/** Where a config will be composed: its group folder and its package (dotted key path). */
interface Placement {
  group: string;
  pkg: string;
}

function joinPkg(...parts: string[]): string {
  return parts.filter(Boolean).join('.');
}

function joinGroup(...parts: string[]): string {
  return path.posix.join(...parts.map((p) => p || '.')).replace(/^\.\/?|\/$/g, '').replace(/^\.$/, '');
}

/** A short name for cycle messages: the path inside its root, else the file name. */
function displayName(roots: readonly string[], file: string): string {
  for (const root of roots) {
    const rel = path.relative(root, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return path.basename(file);
}

/** The package after a file's `# @package` header (Hydra: `_global_` = root, `_group_` = its group). */
function applyHeader(y: YamlFile, placement: Placement, explicitPackage: boolean): string {
  const header = y.packageHeader;
  if (header === null || explicitPackage) return placement.pkg;
  if (header === '_global_') return '';
  if (header === '_group_') return placement.group.replace(/\//g, '.');
  return header.replace(/^_global_\.?/, '');
}

class Composer {
  constructor(private readonly ctx: ComposeContext) {}

  /**
   * The parts of `file` in merge order (its defaults tree flattened, each part already placed at
   * its package), as Hydra flattens the tree before merging; `chain` holds the files above it.
   */
  compose(file: string, placement: Placement, chain: string[], isPrimary: boolean, explicitPackage = false): Part[] {
    const y = readYamlFile(file);
    const pkg = applyHeader(y, placement, explicitPackage);
    const entries = parseDefaults(y);
    if (isPrimary) this.takeOverrideEntries(y, entries);
    else {
      const misplaced = entries.find((e) => e.kind === 'group' && e.override);
      if (misplaced) throw errorAt(where(y, ['defaults', misplaced.index]), `'${entryText(misplaced)}': override entries belong in the primary recipe's defaults list`);
    }
    if (!entries.some((e) => e.kind === 'self')) entries.push({ kind: 'self', index: -1 });
    const next = [...chain, file];
    const parts: Part[] = [];
    for (const entry of entries) {
      if (entry.kind === 'group' && entry.override) continue;
      parts.push(...this.composeEntry(y, entry, { group: placement.group, pkg }, next));
    }
    if (isPrimary) {
      for (const extra of this.ctx.appended) {
        const found = findContainedConfig(this.ctx.roots, extra.group, extra.option, extra.source, `${extra.group}: ${extra.option}`);
        if (!found) throw new Error(`${extra.source}: ${extra.group}/${yamlFileName(extra.option)} not found in ${lookedIn(this.ctx.roots, extra.group)}`);
        parts.push(...this.compose(found, { group: extra.group, pkg: joinPkg(pkg, extra.group.replace(/\//g, '.')) }, next, false));
      }
    }
    return parts;
  }

  /** `override group: option` entries of the primary recipe become choices (the command line's win). */
  private takeOverrideEntries(y: YamlFile, entries: DefaultEntry[]): void {
    for (const e of entries) {
      if (e.kind !== 'group' || !e.override) continue;
      if (!this.ctx.choices.has(e.group)) this.ctx.choices.set(e.group, { option: e.option, source: `${where(y, ['defaults', e.index])}: '${entryText(e)}'`, used: false });
    }
  }

  private composeEntry(y: YamlFile, entry: DefaultEntry, here: Placement, chain: string[]): Part[] {
    if (entry.kind === 'self') {
      const { defaults: _defaults, ...body } = y.data;
      return [{ y, pkg: here.pkg, data: atPackage(here.pkg, body) }];
    }
    const at = where(y, ['defaults', entry.index]);
    if (entry.kind === 'config') return this.composeConfigEntry(y, entry.name, here, chain, at);

    // Checked as written: joinGroup would fold `a/../..` into `..`.
    checkConfigNames([entry.group], at, entryText(entry));
    const group = entry.absolute ? entry.group : joinGroup(here.group, entry.group);
    const choice = this.ctx.choices.get(group);
    if (choice) choice.used = true;
    const option = choice ? choice.option : entry.option;
    if (option === null) return [];
    const found = findContainedConfig(this.ctx.roots, group, option, choice ? choice.source : at, choice ? `${group}: ${option}` : entryText(entry));
    if (!found) {
      if (entry.optional) return [];
      const chosen = choice ? ` (the option chosen by ${choice.source})` : '';
      throw errorAt(at, `defaults entry '${entryText(entry)}' not found${chosen}: looked for ${group}/${yamlFileName(option)} in ${this.ctx.roots.join(', ')}`);
    }
    this.checkCycle(found, chain, at);
    const pkg = entry.packageOverride === null ? joinPkg(here.pkg, entry.group.replace(/\//g, '.')) : packageOf(entry.packageOverride, here.pkg);
    return this.compose(found, { group, pkg }, chain, false, entry.packageOverride !== null);
  }

  /** `- name`: a config of this file's group (its own folder first), or `/path/from/root`. */
  private composeConfigEntry(y: YamlFile, name: string, here: Placement, chain: string[], at: string): Part[] {
    const absolute = name.startsWith('/');
    const rel = name.replace(/^\/+/, '');
    const group = absolute ? '' : here.group;
    const ownFolder = absolute ? null : findContainedConfig([path.dirname(y.file)], '', rel, at, name);
    const found = ownFolder ?? findContainedConfig(this.ctx.roots, group, rel, at, name);
    if (!found) {
      const places = absolute ? lookedIn(this.ctx.roots, '') : `${path.dirname(y.file)}, ${lookedIn(this.ctx.roots, group)}`;
      throw errorAt(at, `defaults entry '${name}' not found: looked for ${yamlFileName(rel)} in ${places}`);
    }
    this.checkCycle(found, chain, at);
    return this.compose(found, { group: joinGroup(group, path.posix.dirname(rel)), pkg: here.pkg }, chain, false);
  }

  private checkCycle(file: string, chain: string[], at: string): void {
    const real = path.resolve(file);
    if (!chain.includes(real)) return;
    const loop = [...chain.slice(chain.indexOf(real)), real].map((f) => displayName(this.ctx.roots, f));
    throw errorAt(at, `cycle in defaults: ${loop.join(' → ')}`);
  }
}

/** `group@pkg`: `_global_` is the root, `_here_` the containing file's package, else relative to it. */
function packageOf(packageOverride: string, parentPkg: string): string {
  if (packageOverride === '_global_') return '';
  if (packageOverride.startsWith('_global_.')) return packageOverride.slice('_global_.'.length);
  if (packageOverride === '_here_') return parentPkg;
  return joinPkg(parentPkg, packageOverride);
}

/**
 * Composes the primary recipe `file` (its content at the root; `group` is its own group folder,
 * '' for a top-level recipe, `training_hyperparams` for a training-params file loaded on its own).
 */
export function composeRecipe(file: string, group: string, ctx: ComposeContext): Record<string, unknown> {
  const parts = new Composer(ctx).compose(path.resolve(file), { group, pkg: '' }, [], true);
  let result: Record<string, unknown> = {};
  for (const part of parts) {
    recordFileOrigins(part.y, part.pkg, ctx.origins);
    result = deepMerge(result, part.data);
  }
  for (const [name, choice] of ctx.choices) {
    if (!choice.used) {
      throw new Error(`${choice.source}: no '${name}' in the defaults lists of ${file}${choice.option === null ? '' : `; to add the group use +${name}=${choice.option}`}`);
    }
  }
  return result;
}
