/** The assertion every bad-file test makes: load() throws a plain Error naming the file and the fault. */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { load } from '../../lib/serialize';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bad-'));
let n = 0;

/** Writes `bytes` to a fresh file and expects load() to throw an Error naming it and matching `why`. */
export function refuses(bytes: Buffer, why: RegExp): void {
  const file = path.join(dir, `bad-${n++}.pth`);
  fs.writeFileSync(file, bytes);
  assert.throws(
    () => load(file),
    (err: Error) => {
      assert.equal(err.constructor, Error);
      assert.ok(err.message.startsWith(`${file} is not a readable PyTorch checkpoint`), err.message);
      assert.match(err.message, why);
      return true;
    },
  );
}
