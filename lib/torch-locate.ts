/**
 * Finds the LibTorch inside an installed PyTorch: `torch/lib` (libtorch_cpu.so, and
 * libtorch_cuda.so in a CUDA build), `torch/include` and `torch/share/cmake/Torch`. The Python is
 * SG_OPTIM_PYTHON, else `python3`. Torch is located without importing it (an import takes
 * seconds; finding the package takes one Python start-up), and its version and CUDA version are
 * read from `torch/version.py`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** An installed PyTorch's LibTorch. */
export interface PythonTorch {
  /** The Python asked. */
  python: string;
  /** The `torch` package folder (what LIBTORCH should be to build against it). */
  dir: string;
  /** Its shared libraries: `dir/lib`. */
  libDir: string;
  /** `torch.__version__`, e.g. `2.15.0+cu132`. */
  version: string;
  /** `torch.version.cuda` (`13.2`), or null for a CPU-only build. */
  cuda: string | null;
}

/** Runs `python -c code`; returns its stdout, or null when it cannot run or fails. */
export type PythonRunner = (python: string, code: string) => string | null;

const FIND_TORCH = "import importlib.util, os; s = importlib.util.find_spec('torch'); print(os.path.dirname(s.origin) if s and s.origin else '')";

function runPython(python: string, code: string): string | null {
  // A 30 s guard only against a hung interpreter: start-up is normally well under a second.
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 30000, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 && typeof r.stdout === 'string' ? r.stdout : null;
}

/** `__version__` and `cuda` of a torch/version.py; null when the file is not PyTorch's. */
export function parseTorchVersionPy(text: string): { version: string; cuda: string | null } | null {
  const version = /^__version__\s*=\s*['"]([^'"]+)['"]/m.exec(text);
  if (!version) return null;
  const cuda = /^cuda\s*(?::[^=]*)?=\s*['"]([^'"]+)['"]/m.exec(text);
  return { version: version[1], cuda: cuda ? cuda[1] : null };
}

/**
 * The PyTorch that `python` (SG_OPTIM_PYTHON, else python3) imports, or null when there is none
 * with a LibTorch inside (no such Python, no torch, or a torch without `lib/libtorch_cpu.so`).
 */
export function findPythonTorch(env: NodeJS.ProcessEnv = process.env, run: PythonRunner = runPython): PythonTorch | null {
  const python = env.SG_OPTIM_PYTHON || 'python3';
  const out = run(python, FIND_TORCH);
  const dir = out?.trim();
  if (!dir) return null;
  const libDir = path.join(dir, 'lib');
  let versionPy: string;
  try {
    versionPy = fs.readFileSync(path.join(dir, 'version.py'), 'utf8');
  } catch {
    return null;
  }
  const parsed = parseTorchVersionPy(versionPy);
  if (!parsed || !fs.existsSync(path.join(libDir, 'libtorch_cpu.so'))) return null;
  return { python, dir, libDir, ...parsed };
}

const cache = new Map<string, PythonTorch | null>();

/** findPythonTorch for this process's environment, asked once per Python. */
export function pythonTorch(): PythonTorch | null {
  const key = process.env.SG_OPTIM_PYTHON || 'python3';
  if (!cache.has(key)) cache.set(key, findPythonTorch());
  return cache.get(key)!;
}
