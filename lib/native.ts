/**
 * The only place that loads the compiled addon. Everything else imports `native` from here.
 * Order: SG_OPTIM_BINARY, a local build, then the prebuilt binaries of this platform, those
 * built for the LibTorch installed here first. A binary whose LibTorch version is not the one
 * its name promises is refused. A failed load becomes one error that says what was tried and
 * what to do about it. A prebuilt binary for the version of an installed PyTorch (pip's wheel,
 * see torch-locate.ts) gets that PyTorch's LibTorch loaded first, from wherever pip put it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { NativeBinding } from './native-api';
import { packageRoot } from './package-root';
import { findPythonTorch, PythonTorch, pythonTorch } from './torch-locate';

export { packageRoot };

/** The addon's exports, typed in native-api.ts. Argument checking happens in TypeScript first; see native/addon.cc. */
export type { NativeBinding, NativeTensorHandle } from './native-api';

/** What a prebuilt binary's name says it needs: `sg-optim.torch<major.minor>.<cpu|cuda>.node`. */
export interface PrebuiltTarget {
  torch: string;
  flavour: 'cpu' | 'cuda';
}

/** Parses a prebuilt binary's file name; null for names that do not follow the scheme. */
export function parsePrebuiltName(name: string): PrebuiltTarget | null {
  const m = /^sg-optim\.torch(\d+\.\d+)\.(cpu|cuda)\.node$/.exec(name);
  return m ? { torch: m[1], flavour: m[2] as 'cpu' | 'cuda' } : null;
}

/** `major.minor` of a version string such as `1.13.0` or `2.1.0+cu118`. */
function majorMinor(version: string): string | null {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  return m ? `${m[1]}.${m[2]}` : null;
}

/**
 * The LibTorch versions this machine has, as `major.minor`: `$LIBTORCH/build-version` (official
 * downloads), `libtorch_cpu.so.X.Y` in the loader's usual folders (Debian's packages), then the
 * installed PyTorch's (SG_OPTIM_PYTHON or python3; `torch` passes one found already, or null).
 */
export function installedTorchVersions(env: NodeJS.ProcessEnv = process.env, torch?: PythonTorch | null): string[] {
  const found: string[] = [];
  const add = (v: string | null) => {
    if (v && !found.includes(v)) found.push(v);
  };
  if (env.LIBTORCH) {
    try {
      add(majorMinor(fs.readFileSync(path.join(env.LIBTORCH, 'build-version'), 'utf8')));
    } catch {
      /* no build-version file: not an official download */
    }
  }
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/lib64', '/usr/lib', '/usr/local/lib'];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = /^libtorch_cpu\.so\.(\d+\.\d+)/.exec(name);
      if (m) add(m[1]);
    }
  }
  const py = torch === undefined ? (env === process.env ? pythonTorch() : findPythonTorch(env)) : torch;
  if (py) add(majorMinor(py.version));
  return found;
}

/**
 * Loads an installed PyTorch's LibTorch into this process, so that a prebuilt binary's
 * libtorch*.so, libc10*.so (and, through libtorch_cuda, libcudart) resolve to it: the binary's
 * run path cannot know where pip put them, and LD_LIBRARY_PATH is read only at process start.
 * The libraries are not addons, so Node refuses each after loading it ("did not self-register");
 * RTLD_NODELETE keeps them loaded. Returns why it failed, or null.
 */
function preloadLibTorch(torch: PythonTorch): string | null {
  const { RTLD_NOW } = os.constants.dlopen as Record<string, number>;
  // Node does not export RTLD_NODELETE; this is glibc's value (bits/dlfcn.h: x86-64, arm64).
  const RTLD_NODELETE = process.platform === 'linux' ? 0x01000 : 0;
  const names = ['libc10.so', 'libtorch_cpu.so', ...(torch.cuda ? ['libc10_cuda.so', 'libtorch_cuda.so'] : []), 'libtorch.so'];
  for (const name of names) {
    const file = path.join(torch.libDir, name);
    if (!fs.existsSync(file)) continue;
    try {
      process.dlopen({ exports: {} }, file, RTLD_NOW | RTLD_NODELETE);
    } catch (err) {
      const message = (err as Error).message;
      if (!/did not self-register|Module did not/.test(message)) return `PyTorch's ${file}: ${message.split('\n')[0]}`;
    }
  }
  return null;
}

interface Candidate {
  file: string;
  target: PrebuiltTarget | null;
}

/** The installed PyTorch a prebuilt binary is for (same major.minor, CUDA when it is CUDA), or null. */
function pyTorchFor(target: PrebuiltTarget | null): PythonTorch | null {
  if (!target) return null;
  const py = pythonTorch();
  if (!py || majorMinor(py.version) !== target.torch) return null;
  return target.flavour === 'cuda' && !py.cuda ? null : py;
}

function prebuildDirOf(root: string): string {
  return path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
}

function candidateBinaries(root: string): Candidate[] {
  const out: Candidate[] = [];
  if (process.env.SG_OPTIM_BINARY) out.push({ file: path.resolve(process.env.SG_OPTIM_BINARY), target: null });
  out.push({ file: path.join(root, 'build', 'Release', 'sg_optim.node'), target: null });
  const prebuildDir = prebuildDirOf(root);
  if (!fs.existsSync(prebuildDir)) return out;
  const installed = installedTorchVersions();
  const prebuilt = fs
    .readdirSync(prebuildDir)
    .filter((name) => name.endsWith('.node'))
    .map((name) => ({ file: path.join(prebuildDir, name), target: parsePrebuiltName(name) }));
  // Binaries for an installed LibTorch first (CPU before CUDA: it needs no driver), then the rest.
  const rank = (c: Candidate) => (c.target && installed.includes(c.target.torch) ? 0 : 2) + (c.target?.flavour === 'cuda' ? 1 : 0);
  prebuilt.sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file));
  return [...out, ...prebuilt];
}

/** Why a loaded binary does not fit its name, or null when it does. */
function mismatch(binding: NativeBinding, target: PrebuiltTarget | null): string | null {
  if (!target || typeof binding.buildInfo !== 'function') return null;
  const info = binding.buildInfo() as { torchVersion: string; cuda: boolean };
  const actual = majorMinor(info.torchVersion);
  if (actual !== target.torch) return `named for LibTorch ${target.torch} but built against ${info.torchVersion}`;
  if ((target.flavour === 'cuda') !== info.cuda) return `named ${target.flavour} but built ${info.cuda ? 'with' : 'without'} CUDA`;
  return null;
}

/** The file the addon was loaded from (set once `native` exists). */
export let loadedBinary = '';

function load(): NativeBinding {
  const root = packageRoot();
  const tried: string[] = [];
  for (const { file, target } of candidateBinaries(root)) {
    if (!fs.existsSync(file)) {
      tried.push(`${file}: not found`);
      continue;
    }
    try {
      const py = pyTorchFor(target);
      const failed = py ? preloadLibTorch(py) : null;
      if (failed) {
        tried.push(`${file}: ${failed}`);
        continue;
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the addon's path is known only at run time
      const binding = require(file) as NativeBinding;
      const wrong = mismatch(binding, target);
      if (wrong === null) {
        loadedBinary = file;
        return binding;
      }
      tried.push(`${file}: ${wrong}`);
    } catch (err) {
      tried.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (!fs.existsSync(prebuildDirOf(root))) tried.push(`${prebuildDirOf(root)}: no prebuilt binaries for ${process.platform}-${process.arch}`);
  const installed = installedTorchVersions();
  throw new Error(
    [
      `Could not load sg-optim's native addon for ${process.platform}-${process.arch} (Node ${process.version}).`,
      `LibTorch found on this machine: ${installed.length ? installed.join(', ') : 'none'}.`,
      'Tried:',
      ...tried.map((t) => `  - ${t}`),
      'Possible solutions:',
      '  - Install the LibTorch runtime the prebuilt binary needs (Debian/Ubuntu: apt-get install libtorch1.13, or libtorch-dev).',
      '  - Build from source against your LibTorch: `npx sg-optim build` (it uses the PyTorch that python3 or SG_OPTIM_PYTHON imports; set LIBTORCH=/path/to/libtorch for an official 2.x or CUDA download).',
      '  - In a clone of the repository: `bash scripts/setup.sh`.',
    ].join('\n'),
  );
}

/** The loaded addon. */
export const native: NativeBinding = load();
