import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

describe('loading the native addon', () => {
  it('when nothing loads: one error naming what was tried and what to do', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-noaddon-'));
    const bogus = path.join(empty, 'broken.node');
    fs.writeFileSync(bogus, 'not a shared object');
    const native = path.join(__dirname, '..', '..', 'lib', 'native.js');
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(native)})`], {
      encoding: 'utf8',
      env: { ...process.env, SG_OPTIM_ROOT: empty, SG_OPTIM_BINARY: bogus },
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Could not load sg-optim's native addon for linux-x64/);
    assert.match(r.stderr, /Tried:\n\s+- .*broken\.node: .*\n\s+- .*build\/Release\/sg_optim\.node: not found/);
    assert.match(r.stderr, /Possible solutions:[\s\S]*LibTorch runtime[\s\S]*npx sg-optim build[\s\S]*LIBTORCH=/);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  // A temporary package root whose prebuilds/ holds copies of the local build under given names.
  function rootWithPrebuilts(names: string[]): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-prebuilt-'));
    const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    fs.mkdirSync(dir, { recursive: true });
    const built = path.join(__dirname, '..', '..', '..', 'build', 'Release', 'sg_optim.node');
    for (const name of names) fs.copyFileSync(built, path.join(dir, name));
    return root;
  }
  const loaderScript = (expr: string) => `const n = require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'native.js'))}); console.log(${expr});`;

  it('refuses a prebuilt binary whose LibTorch version is not the one its name says', () => {
    const root = rootWithPrebuilts(['sg-optim.torch9.9.cpu.node']);
    const env: NodeJS.ProcessEnv = { ...process.env, SG_OPTIM_ROOT: root };
    delete env.SG_OPTIM_BINARY;
    const r = spawnSync(process.execPath, ['-e', loaderScript('1')], { encoding: 'utf8', env });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /sg-optim\.torch9\.9\.cpu\.node: named for LibTorch 9\.9 but built against 1\.13/);
    assert.match(r.stderr, /LibTorch found on this machine: 1\.13/);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('prefers the prebuilt binary for the LibTorch installed here', () => {
    // Sorted by name alone the 1.12 binary would come first.
    const root = rootWithPrebuilts(['sg-optim.torch1.12.cpu.node', 'sg-optim.torch1.13.cpu.node']);
    const env: NodeJS.ProcessEnv = { ...process.env, SG_OPTIM_ROOT: root };
    delete env.SG_OPTIM_BINARY;
    const r = spawnSync(process.execPath, ['-e', loaderScript("n.native.buildInfo().torchVersion, Object.keys(require.cache).find((f) => f.endsWith('.node'))")], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1\.13\.\d+ .*sg-optim\.torch1\.13\.cpu\.node$/m);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('says when the platform has no prebuilt binaries at all', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-noprebuilt-'));
    const env: NodeJS.ProcessEnv = { ...process.env, SG_OPTIM_ROOT: root };
    delete env.SG_OPTIM_BINARY;
    const r = spawnSync(process.execPath, ['-e', loaderScript('1')], { encoding: 'utf8', env });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`no prebuilt binaries for ${process.platform}-${process.arch}`));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads prebuilt names and installed LibTorch versions', async () => {
    const { parsePrebuiltName, installedTorchVersions } = await import('../../lib/native');
    assert.deepEqual(parsePrebuiltName('sg-optim.torch2.1.cuda.node'), { torch: '2.1', flavour: 'cuda' });
    assert.equal(parsePrebuiltName('sg_optim.node'), null);
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-libtorch-'));
    fs.writeFileSync(path.join(fake, 'build-version'), '2.1.0+cu118\n');
    assert.equal(installedTorchVersions({ LIBTORCH: fake, LD_LIBRARY_PATH: '' })[0], '2.1');
    fs.rmSync(fake, { recursive: true, force: true });
  });
});
