/** Reads one YAML file, keeping line numbers for error messages. */
import * as fs from 'fs';
import { isMap, LineCounter, parseDocument, Document } from 'yaml';

export interface YamlFile {
  file: string;
  data: Record<string, unknown>;
  doc: Document;
  lines: LineCounter;
}

/** "file:line" of the node at `path` (or of the file when unknown). */
export function where(y: YamlFile, path: Array<string | number>): string {
  const node = y.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  if (node && node.range) return `${y.file}:${y.lines.linePos(node.range[0]).line}`;
  return y.file;
}

/** Line of the key `path` (its last segment) in the file, if any. */
export function lineOfKey(y: YamlFile, path: string[]): number | null {
  let node: unknown = y.doc.contents;
  for (let i = 0; i < path.length; i++) {
    if (!isMap(node)) return null;
    const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === path[i]);
    if (!pair) return null;
    if (i === path.length - 1) {
      const key = pair.key as { range?: [number, number, number] };
      return key.range ? y.lines.linePos(key.range[0]).line : null;
    }
    node = pair.value;
  }
  return null;
}

export function readYamlFile(file: string): YamlFile {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read recipe file ${file}: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new Error(`invalid YAML in ${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() ?? {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${file}: a recipe file must be a mapping at the top level`);
  }
  return { file, data: data as Record<string, unknown>, doc, lines };
}
