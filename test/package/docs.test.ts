import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

import { packageRoot } from '../../lib/package-root';

describe('API reference', () => {
  it('docs/API.md is generated from the current doc comments (npm run docs)', function () {
    const r = spawnSync(process.execPath, [path.join(packageRoot(), 'scripts', 'api-docs.js'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
