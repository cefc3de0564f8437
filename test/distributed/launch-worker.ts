/**
 * A worker for test/distributed/launcher.test.ts, started by the launcher (one per rank):
 * `launch-worker.js MODE [DIR] [...]`. Every mode that waits ends itself after 60 s (a hang
 * guard: the tests end it long before).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { readDistributedEnv } from '../../lib/distributed/env';

const [mode, dir, ...rest] = process.argv.slice(2);
const rank = process.env.RANK;
const VARS = ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'GROUP_WORLD_SIZE', 'ROLE_RANK', 'ROLE_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT', 'OMP_NUM_THREADS'];

/** Waits (the hang guard ends it with 99 after 60 s). */
function waitForever(): void {
  setTimeout(() => process.exit(99), 60000);
}

switch (mode) {
  case 'env': {
    const env = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));
    console.log(JSON.stringify({ env, parsed: readDistributedEnv(), pid: process.pid }));
    break;
  }
  case 'lines': {
    // Partial lines across writes, a split UTF-8 character, a last line without newline.
    process.stdout.write(`one ${rank}\ntw`);
    process.stderr.write(`err ${rank}\n`);
    setTimeout(() => {
      process.stdout.write(Buffer.from([0x6f, 0x20, 0xc3]));
      setTimeout(() => {
        process.stdout.write(Buffer.concat([Buffer.from([0xa9]), Buffer.from('\nthree')]));
      }, 30);
    }, 30);
    break;
  }
  case 'family': {
    // A child of the worker (same process group), then: rank `rest[0]` exits with code `rest[1]`
    // once every other rank has written its pids; the others wait.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    console.log(`pids ${process.pid} ${child.pid}`);
    const failing = rest[0];
    fs.writeFileSync(path.join(dir, `up-${rank}`), '');
    if (rank === failing) {
      const others = Number(process.env.WORLD_SIZE) - 1;
      const check = (left: number) => {
        const up = fs.readdirSync(dir).filter((f) => f.startsWith('up-')).length;
        if (up > others) process.exit(Number(rest[1]));
        else if (left > 0) setTimeout(() => check(left - 1), 20);
        else process.exit(98);
      };
      check(3000);
    } else {
      waitForever();
    }
    break;
  }
  case 'ignore-term': {
    process.on('SIGTERM', () => console.log('SIGTERM ignored'));
    console.log(`pids ${process.pid}`);
    fs.writeFileSync(path.join(dir, `up-${rank}`), '');
    waitForever();
    break;
  }
  case 'wait': {
    console.log(`pids ${process.pid}`);
    if (dir) fs.writeFileSync(path.join(dir, `up-${rank}`), '');
    waitForever();
    break;
  }
  default:
    console.error(`unknown mode ${mode}`);
    process.exit(2);
}
