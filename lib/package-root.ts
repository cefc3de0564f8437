import * as fs from 'fs';
import * as path from 'path';

/** The package root: the folder holding sg-optim's package.json (SG_OPTIM_ROOT overrides). */
export function packageRoot(): string {
  if (process.env.SG_OPTIM_ROOT) return path.resolve(process.env.SG_OPTIM_ROOT);
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (;;) {
      const candidate = path.join(dir, 'package.json');
      try {
        if (fs.existsSync(candidate) && JSON.parse(fs.readFileSync(candidate, 'utf8')).name === 'sg-optim') return dir;
      } catch {
        /* unreadable package.json: keep walking up */
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return path.resolve(__dirname, '..', '..');
}
