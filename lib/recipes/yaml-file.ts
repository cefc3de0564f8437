/**
 * Reads one recipe file with the `yaml` package (YAML 1.2 core schema, so `1e-3` and `5e-4` are
 * numbers as OmegaConf makes them), keeping the parsed document so that every later error can
 * say `file:line`.
 */
import * as fs from 'fs';
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';

import { checkKeyPath, findForbiddenKey, forbiddenKeyError, isForbiddenKey } from './safe-keys';

export interface YamlFile {
  /** Absolute path. */
  file: string;
  /** The file's content as plain data (`{}` for an empty file). */
  data: Record<string, unknown>;
  /** The `# @package <pkg>` header, when the file has one. */
  packageHeader: string | null;
  doc: Document;
  lines: LineCounter;
}

/** An Error whose message starts with where it happened (`file:line: ...`). */
export function errorAt(where: string, message: string): Error {
  return new Error(`${where}: ${message}`);
}

/** Hydra reads `# @package X` from the comment lines before the first content line. */
function packageHeaderOf(source: string): string | null {
  for (const line of source.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('#')) break;
    const m = /^#\s*@package\s+(\S+)/.exec(trimmed);
    if (m) return m[1];
  }
  return null;
}

/** The line of the header, for the error about a forbidden package in it. */
function packageHeaderLine(source: string): number {
  return source.split(/\r?\n/).findIndex((line) => /^\s*#\s*@package\b/.test(line)) + 1;
}

/**
 * Refuses `__proto__`, `constructor` and `prototype` as keys anywhere in the file: in the
 * document (with their line, also inside anchors that `<<` merges elsewhere) and in the parsed
 * data (whatever way a key got there, e.g. through an alias used as a key).
 */
function checkKeys(file: string, doc: Document, lines: LineCounter, data: unknown): void {
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null || !isForbiddenKey(key)) return;
      const range = (pair.key as { range?: number[] }).range;
      throw forbiddenKeyError(range ? `${file}:${lines.linePos(range[0]).line}` : file, key);
    },
  });
  const bad = findForbiddenKey(data);
  if (bad) throw forbiddenKeyError(`${file} (at ${bad.join('.')})`, bad[bad.length - 1]);
}

/** The yaml package's message without its "at line L, column C:" tail and code frame. */
function shortMessage(message: string): { text: string; frame: string } {
  const [first, ...rest] = message.split('\n');
  return { text: first.replace(/ at line \d+, column \d+:?$/, ''), frame: rest.join('\n').replace(/^\n+|\n+$/g, '') };
}

/**
 * The document as plain data. The yaml package finds two errors only here, and says neither file
 * nor line: an alias whose anchor is not set before it (named with the alias's line), and more
 * aliased nodes than 1000 (an alias bomb: the file is named).
 */
function toData(file: string, doc: Document, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (err) {
    let at = file;
    visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc) !== undefined || !alias.range) return undefined;
        at = `${file}:${lines.linePos(alias.range[0]).line}`;
        return visit.BREAK;
      },
    });
    throw errorAt(at, `invalid YAML: ${(err as Error).message}`);
  }
}

export function readYamlFile(file: string): YamlFile {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read recipe file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const lines = new LineCounter();
  // merge: true accepts `<<: *anchor` as PyYAML (OmegaConf's loader) does.
  const doc = parseDocument(source, { lineCounter: lines, merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    const { text, frame } = shortMessage(e.message);
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw errorAt(where, `invalid YAML: ${text}${frame ? `\n${frame}` : ''}`);
  }
  const data = toData(file, doc, lines);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw errorAt(`${file}:1`, `a recipe file must be a mapping of keys to values, got ${Array.isArray(data) ? 'a list' : typeof data}`);
  }
  checkKeys(file, doc, lines, data);
  const packageHeader = packageHeaderOf(source);
  if (packageHeader !== null) checkKeyPath(packageHeader.split('.'), `${file}:${packageHeaderLine(source)}: '# @package ${packageHeader}'`);
  return { file, data: data as Record<string, unknown>, packageHeader, doc, lines };
}

/**
 * The 1-based line of the node at `path` (a key in a mapping, an item in a list), or null.
 * For a mapping entry it is the line of the key, where a reader looks.
 */
export function lineOf(y: YamlFile, path: ReadonlyArray<string | number>): number | null {
  let node: unknown = y.doc.contents;
  let range: readonly number[] | null | undefined = (node as { range?: number[] } | null)?.range;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === String(step));
      if (!pair) return null;
      range = (pair.key as { range?: number[] } | null)?.range;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(step)];
      if (item === undefined) return null;
      range = (item as { range?: number[] } | null)?.range;
      node = item;
    } else return null;
  }
  return range ? y.lines.linePos(range[0]).line : null;
}

/** `file:line` of the node at `path`, or just the file. */
export function where(y: YamlFile, path: ReadonlyArray<string | number>): string {
  const line = lineOf(y, path);
  return line === null ? y.file : `${y.file}:${line}`;
}
