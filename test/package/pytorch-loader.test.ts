// Finding the LibTorch of an installed PyTorch, building against it and saying what was loaded.
// The logic runs on fakes (a fake torch package, a fake Python); the checks against the real
// PyTorch 2.15 of scripts/torch-wheel.sh skip when .venv-torch or build-torch2.15 is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildInfo, classifyLibTorchDir, libTorchDirFromMaps } from '../../lib/build-info';
import { chooseBuildTarget } from '../../lib/cli/build-command';
import { installedTorchVersions } from '../../lib/native';
import { findPythonTorch, parseTorchVersionPy, PythonTorch } from '../../lib/torch-locate';

const repo = path.join(__dirname, '..', '..', '..');
const venvPython = path.join(repo, '.venv-torch', 'bin', 'python');
const wheelBinary = path.join(repo, 'build-torch2.15', 'Release', 'sg_optim.node');

const CUDA_VERSION_PY = "from typing import Optional\n__version__ = '2.15.0+cu132'\ndebug = False\ncuda: Optional[str] = '13.2'\nhip: Optional[str] = None\n";
const CPU_VERSION_PY = "__version__ = '2.15.0+cpu'\ndebug = False\ncuda: Optional[str] = None\n";

/** A fake site-packages/torch with version.py and (unless `noLib`) an empty lib/libtorch_cpu.so. */
function fakeTorch(versionPy: string, noLib = false): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-pytorch-')), 'torch');
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'version.py'), versionPy);
  if (!noLib) fs.writeFileSync(path.join(dir, 'lib', 'libtorch_cpu.so'), '');
  return dir;
}

describe('LibTorch of an installed PyTorch', () => {
  it('reads version.py of CUDA and CPU wheels', () => {
    assert.deepEqual(parseTorchVersionPy(CUDA_VERSION_PY), { version: '2.15.0+cu132', cuda: '13.2' });
    assert.deepEqual(parseTorchVersionPy(CPU_VERSION_PY), { version: '2.15.0+cpu', cuda: null });
    assert.deepEqual(parseTorchVersionPy("__version__ = '1.13.0'\ncuda = None\n"), { version: '1.13.0', cuda: null });
    assert.equal(parseTorchVersionPy('print(1)\n'), null);
  });

  it('asks SG_OPTIM_PYTHON (else python3) where torch is, without importing it', () => {
    const dir = fakeTorch(CUDA_VERSION_PY);
    const asked: string[] = [];
    const run = (python: string, code: string) => {
      asked.push(python);
      assert.match(code, /find_spec\('torch'\)/);
      assert.doesNotMatch(code, /^import torch|; import torch/);
      return `${dir}\n`;
    };
    const found = findPythonTorch({ SG_OPTIM_PYTHON: '/opt/py/bin/python' }, run);
    assert.deepEqual(found, { python: '/opt/py/bin/python', dir, libDir: path.join(dir, 'lib'), version: '2.15.0+cu132', cuda: '13.2' });
    assert.equal(findPythonTorch({}, run)?.python, 'python3');
    assert.deepEqual(asked, ['/opt/py/bin/python', 'python3']);
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('no PyTorch: no Python, no torch, or a torch without its LibTorch', () => {
    assert.equal(findPythonTorch({}, () => null), null);
    assert.equal(findPythonTorch({}, () => '\n'), null);
    const noLib = fakeTorch(CPU_VERSION_PY, true);
    assert.equal(findPythonTorch({}, () => noLib), null);
    assert.equal(findPythonTorch({ SG_OPTIM_PYTHON: path.join(os.tmpdir(), 'no-such-python') }), null, 'a Python that does not exist');
    fs.rmSync(path.dirname(noLib), { recursive: true, force: true });
  });

  it("counts the PyTorch's version among the installed LibTorch versions", () => {
    const torch: PythonTorch = { python: 'python3', dir: '/x/torch', libDir: '/x/torch/lib', version: '2.15.0+cu132', cuda: '13.2' };
    const env = { LD_LIBRARY_PATH: '' };
    assert.ok(installedTorchVersions(env, torch).includes('2.15'));
    assert.ok(!installedTorchVersions(env, null).includes('2.15'));
  });

  it('sg-optim build: LIBTORCH / Torch_DIR, else the PyTorch, else the system LibTorch', () => {
    const torch: PythonTorch = { python: '/v/bin/python', dir: '/v/site-packages/torch', libDir: '/v/site-packages/torch/lib', version: '2.15.0+cu132', cuda: '13.2' };
    const viaPy = chooseBuildTarget({ PATH: '/bin' }, torch);
    assert.equal(viaPy.env.LIBTORCH, '/v/site-packages/torch');
    assert.deepEqual(viaPy.args, ['--CDTorch_DIR=/v/site-packages/torch/share/cmake/Torch']);
    assert.match(viaPy.description, /PyTorch 2\.15\.0\+cu132 \(CUDA 13\.2\) of \/v\/bin\/python/);
    assert.equal(chooseBuildTarget({ LIBTORCH: '/opt/libtorch' }, torch).env.LIBTORCH, '/opt/libtorch');
    assert.deepEqual(chooseBuildTarget({ Torch_DIR: '/t' }, torch).args, []);
    const system = chooseBuildTarget({}, null);
    assert.deepEqual(system.args, []);
    assert.equal(system.env.LIBTORCH, undefined);
  });

  it('finds the mapped libtorch_cpu.so and says where it comes from', () => {
    const maps = [
      '7f00-7f01 r-xp 00000000 fd:01 1 /usr/lib/x86_64-linux-gnu/libc10.so.1.13',
      '7f02-7f03 r-xp 00000000 fd:01 2 /usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13',
      '7f04-7f05 rw-p 00000000 00:00 0 [heap]',
    ].join('\n');
    assert.equal(libTorchDirFromMaps(maps), '/usr/lib/x86_64-linux-gnu');
    assert.equal(libTorchDirFromMaps('7f-80 r-xp 0 fd:01 3 /w/.venv/lib/python3.11/site-packages/torch/lib/libtorch_cpu.so\n'), '/w/.venv/lib/python3.11/site-packages/torch/lib');
    assert.equal(libTorchDirFromMaps('7f-80 r-xp 0 fd:01 3 /lib/libtorch_cpu.so.bak\n'), null);
    assert.equal(classifyLibTorchDir('/usr/lib/x86_64-linux-gnu'), 'system');
    assert.equal(classifyLibTorchDir('/w/site-packages/torch/lib', (f) => f === '/w/site-packages/torch/version.py'), 'pytorch');
    assert.equal(classifyLibTorchDir('/opt/libtorch/lib', () => false), 'libtorch');
    assert.equal(classifyLibTorchDir(null), 'unknown');
  });

  it('sg.buildInfo() names the binary and the LibTorch this process runs', () => {
    const info = buildInfo();
    assert.ok(fs.existsSync(info.binary), info.binary);
    assert.match(info.torchVersion, /^\d+\.\d+/);
    assert.equal(typeof info.cuda, 'boolean');
    assert.equal(typeof info.cudaAvailable, 'boolean');
    assert.ok(info.libtorch && fs.existsSync(info.libtorch), `${info.libtorch}`);
    assert.notEqual(info.source, 'unknown');
    if (info.torchVersion.startsWith('1.13')) assert.equal(info.source, 'system');
  });

  describe("with scripts/torch-wheel.sh's PyTorch 2.15 (skipped without .venv-torch)", function () {
    before(function () {
      if (!fs.existsSync(venvPython)) this.skip();
    });

    it('finds it through SG_OPTIM_PYTHON', () => {
      const found = findPythonTorch({ SG_OPTIM_PYTHON: venvPython });
      assert.ok(found, 'torch found');
      assert.match(found.version, /^2\.15\./);
      assert.ok(fs.existsSync(path.join(found.libDir, 'libtorch_cpu.so')));
      assert.ok(fs.existsSync(path.join(found.dir, 'share', 'cmake', 'Torch', 'TorchConfig.cmake')));
    });

    it('a prebuilt sg-optim.torch2.15.cuda.node loads against it with no run path and no setting', function () {
      if (!fs.existsSync(wheelBinary)) this.skip();
      // What npm run prebuilds ships: the run path to the build machine's PyTorch cleared.
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-prebuilt-pytorch-'));
      const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
      fs.mkdirSync(dir, { recursive: true });
      const r0 = spawnSync(process.execPath, [path.join(repo, 'scripts', 'make-prebuild.js'), '--from', wheelBinary, '--to', dir], { encoding: 'utf8' });
      assert.equal(r0.status, 0, r0.stderr);
      const file = path.join(dir, 'sg-optim.torch2.15.cuda.node');
      assert.ok(fs.existsSync(file));
      const readelf = spawnSync('readelf', ['-d', file], { encoding: 'utf8' });
      if (readelf.status === 0) assert.doesNotMatch(readelf.stdout, /RUNPATH.*\.venv-torch/);
      const env: NodeJS.ProcessEnv = { ...process.env, SG_OPTIM_ROOT: root, SG_OPTIM_PYTHON: venvPython };
      delete env.SG_OPTIM_BINARY;
      delete env.LD_LIBRARY_PATH;
      const script = `const sg = require(${JSON.stringify(path.join(repo, 'dist', 'lib', 'build-info.js'))}); console.log(JSON.stringify(sg.buildInfo()));`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, cwd: root });
      assert.equal(r.status, 0, r.stderr);
      const info = JSON.parse(r.stdout);
      assert.equal(info.binary, file);
      assert.match(info.torchVersion, /^2\.15\./);
      assert.equal(info.cuda, true);
      assert.equal(info.source, 'pytorch');
      assert.equal(info.libtorch, findPythonTorch({ SG_OPTIM_PYTHON: venvPython })?.libDir);
      fs.rmSync(root, { recursive: true, force: true });
    });
  });
});
