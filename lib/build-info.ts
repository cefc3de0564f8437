/**
 * What the loaded addon was built against and which LibTorch it runs on, from where: the
 * LibTorch is the one the process has mapped (/proc/self/maps), which is the truth whatever the
 * run path, LD_LIBRARY_PATH or a preloaded PyTorch made of it.
 */
import * as fs from 'fs';
import * as path from 'path';

import { loadedBinary, native } from './native';

/** Where a LibTorch came from. */
export type LibTorchSource = 'pytorch' | 'system' | 'libtorch' | 'unknown';

export interface BuildInfo {
  /** The LibTorch version the addon was compiled against (`2.15.0`). */
  torchVersion: string;
  /** Compiled with CUDA (CUDA kernels built and libtorch_cuda linked). */
  cuda: boolean;
  /** Whether a CUDA device is usable now (false without a GPU, even in a CUDA build). */
  cudaAvailable: boolean;
  /** The fused CPU loops in use (`avx512`, `avx2` or `generic`). */
  cpuKernels: string;
  /** The addon file loaded. */
  binary: string;
  /** The folder of the libtorch_cpu.so this process runs, or null where it cannot be seen. */
  libtorch: string | null;
  /**
   * `pytorch`: an installed PyTorch's `torch/lib` (pip's wheel); `system`: a system package
   * (Debian's libtorch under /usr); `libtorch`: an unpacked LibTorch folder (LIBTORCH).
   */
  source: LibTorchSource;
}

/** The folder of the libtorch_cpu.so mapped in a /proc/<pid>/maps text, or null. */
export function libTorchDirFromMaps(maps: string): string | null {
  for (const line of maps.split('\n')) {
    const file = line.slice(line.indexOf('/'));
    if (line.includes('/') && /\/libtorch_cpu\.so(\.[0-9.]+)?$/.test(file)) return path.dirname(file);
  }
  return null;
}

/** Where a LibTorch folder (holding libtorch_cpu.so) comes from; `exists` is replaceable for tests. */
export function classifyLibTorchDir(dir: string | null, exists: (file: string) => boolean = fs.existsSync): LibTorchSource {
  if (dir === null) return 'unknown';
  // PyTorch's package: torch/lib beside torch/version.py.
  if (path.basename(dir) === 'lib' && path.basename(path.dirname(dir)) === 'torch' && exists(path.join(dir, '..', 'version.py'))) return 'pytorch';
  if (dir.startsWith('/usr/')) return 'system';
  return 'libtorch';
}

/** What the loaded addon was built against, and the LibTorch it runs on. */
export function buildInfo(): BuildInfo {
  const built = native.buildInfo();
  let maps = '';
  try {
    maps = fs.readFileSync('/proc/self/maps', 'utf8');
  } catch {
    /* not Linux: the LibTorch folder stays unknown */
  }
  const libtorch = libTorchDirFromMaps(maps);
  return {
    torchVersion: built.torchVersion,
    cuda: built.cuda,
    cudaAvailable: Boolean(native.cudaAvailable()),
    cpuKernels: built.cpuKernels,
    binary: loadedBinary,
    libtorch,
    source: classifyLibTorchDir(libtorch),
  };
}
