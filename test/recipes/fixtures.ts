import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const created: string[] = [];

/** Writes `{relative path: text}` into a fresh temporary folder and returns the folder. */
export function recipeFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-recipes-'));
  created.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

// Describe bodies make their folders while mocha loads the files, so the folders go once every
// test has run: a root-level hook, registered once since this module is loaded once.
after(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

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
