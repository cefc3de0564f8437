import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Writes `{relative path: text}` into a fresh temporary folder and returns the folder. */
export function recipeFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-recipes-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Lines joined with '\n', so fixtures read like the YAML they are. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export type Obj = Record<string, unknown>;

/** `cfg.a.b` without casts in tests. */
export function at(value: unknown, key: string): Obj {
  let node = value as Obj;
  for (const part of key.split('.')) node = node[part] as Obj;
  return node;
}
