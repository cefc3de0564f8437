/**
 * Parses a file's `defaults:` list into entries, as Hydra ≥ 1.1 reads them:
 *
 *   defaults:
 *     - training_hyperparams: mnist_train_params   # group option → key training_hyperparams
 *     - optional arch_params: my_arch               # skipped when the file is missing
 *     - override dataset_params: other              # replaces an earlier selection of the group
 *     - default_train_params                        # a config of this file's own group
 *     - _self_                                      # this file's own content
 */
import { isPlainObject } from '../errors';
import { checkKeyPath } from './safe-keys';
import { errorAt, where, YamlFile } from './yaml-file';

export type DefaultEntry =
  | { kind: 'self'; index: number }
  | { kind: 'config'; name: string; index: number }
  | {
      kind: 'group';
      /** The group as written, without `/`, `override`, `optional` or `@package`. */
      group: string;
      /** Written with a leading `/`: the group path starts at the root, not at this file's group. */
      absolute: boolean;
      /** The `@package` part, when given. */
      packageOverride: string | null;
      option: string | null;
      override: boolean;
      optional: boolean;
      index: number;
    };

/** What is written in the file, for messages: `training_hyperparams: x`. */
export function entryText(entry: DefaultEntry): string {
  if (entry.kind === 'self') return '_self_';
  if (entry.kind === 'config') return entry.name;
  const prefix = `${entry.override ? 'override ' : ''}${entry.optional ? 'optional ' : ''}${entry.absolute ? '/' : ''}`;
  return `${prefix}${entry.group}${entry.packageOverride !== null ? `@${entry.packageOverride}` : ''}: ${entry.option}`;
}

export function parseDefaults(y: YamlFile): DefaultEntry[] {
  const list = y.data.defaults;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw errorAt(where(y, ['defaults']), `defaults must be a list, got ${typeof list}`);
  return list.map((item, index): DefaultEntry => {
    const at = where(y, ['defaults', index]);
    if (item === '_self_') return { kind: 'self', index };
    if (typeof item === 'string' && item.trim() !== '') return { kind: 'config', name: item.trim(), index };
    if (isPlainObject(item) && Object.keys(item).length === 1) {
      const [rawKey, option] = Object.entries(item)[0];
      const words = rawKey.trim().split(/\s+/);
      const name = words.pop() ?? '';
      const flags = new Set(words);
      for (const flag of flags) {
        if (flag !== 'override' && flag !== 'optional') throw errorAt(at, `unknown keyword '${flag}' in defaults entry '${rawKey}: ${option}' (known: override, optional)`);
      }
      const [groupPart, packageOverride = null] = name.split('@');
      if (Array.isArray(option)) throw errorAt(at, `'${rawKey}' lists several options; one option per group is supported (no multirun)`);
      if (option !== null && typeof option !== 'string') throw errorAt(at, `the option of '${rawKey}' must be a config name, got ${JSON.stringify(option)}`);
      const group = groupPart.replace(/^\/+/, '');
      if (!group) throw errorAt(at, `defaults entry '${rawKey}' has no group name`);
      // The group and the package become keys of the composed recipe.
      checkKeyPath([...group.split('/'), ...(packageOverride ?? '').split('.')], `${at}: defaults entry '${rawKey}'`);
      return {
        kind: 'group',
        group,
        absolute: groupPart.startsWith('/'),
        packageOverride,
        option,
        override: flags.has('override'),
        optional: flags.has('optional'),
        index,
      };
    }
    throw errorAt(at, `a defaults entry is a config name, '_self_' or 'group: option', got ${JSON.stringify(item)}`);
  });
}
