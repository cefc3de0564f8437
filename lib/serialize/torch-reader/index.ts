/**
 * Reads PyTorch checkpoints (torch.save's zip format, from Python or from our own sg.save) with
 * nothing but the strict parsers of this folder: zip.ts for the container, unpickler.ts for the
 * pickle, globals.ts for the few functions a checkpoint may call, storages.ts for tensors. Every
 * check fails with an Error saying what is wrong; the caller adds the file name.
 */
import { describe } from './describe';
import { GlobalContext, resolveGlobal } from './globals';
import { limitsFor } from './limits';
import { LoadedStorage, loadStorage, STORAGE_KINDS } from './storages';
import { PickleLimits, PyGlobal, unpickle } from './unpickler';
import { checkValue } from './value-check';
import { readZipEntries } from './zip';

/** `X/data.pkl`, the one pickle of the archive; every entry must live under the same `X/`. */
function findPickle(entries: Map<string, Buffer>): { pkl: Buffer; prefix: string } {
  const pkls = [...entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) throw new Error(pkls.length ? `the archive holds ${pkls.length} data.pkl files` : 'no data.pkl in the archive');
  const prefix = pkls[0].slice(0, -'data.pkl'.length);
  const stray = [...entries.keys()].find((n) => !n.startsWith(prefix));
  if (stray !== undefined) throw new Error(`zip entry ${stray} is outside the archive's folder ${prefix}`);
  return { pkl: entries.get(pkls[0])!, prefix };
}

/** torch.save's persistent id: ('storage', torch.XStorage, key, location, numel). */
function storageLoader(entries: Map<string, Buffer>, prefix: string): (pid: unknown[]) => LoadedStorage {
  const loaded = new Map<string, LoadedStorage>();
  return (pid) => {
    if (pid.length !== 5 || pid[0] !== 'storage') throw new Error(`unsupported persistent id (${pid.length} items, tag ${describe(pid[0], 1)})`);
    const [, type, key, location, numel] = pid;
    const kind = type instanceof PyGlobal ? STORAGE_KINDS.get(type.qualifiedName.replace(/^torch\./, '')) : undefined;
    if (!kind) throw new Error(`persistent id names no storage type (${describe(type, 1)})`);
    if (typeof key !== 'string' || !/^\w{1,64}$/.test(key)) throw new Error(`storage key ${describe(key, 1)} is not a short name`);
    if (typeof location !== 'string' || !/^(cpu|cuda(:\d{1,4})?|mps)$/.test(location)) throw new Error(`storage ${key}: unknown location ${describe(location, 1)}`);
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) throw new Error(`storage ${key}: element count ${describe(numel, 1)} is not a non-negative integer`);
    const seen = loaded.get(key);
    if (seen) {
      if (seen.kind !== kind || seen.numel !== numel) throw new Error(`storage ${key} is declared twice with different types or sizes`);
      return seen;
    }
    const bytes = entries.get(`${prefix}data/${key}`);
    if (!bytes) throw new Error(`storage ${key} is missing from the archive`);
    const storage = loadStorage(key, kind, numel, bytes);
    loaded.set(key, storage);
    return storage;
  };
}

/**
 * The value in a torch.save zip archive; tensors become sg Tensors (views of their storages).
 * `limits` is for tests that measure what real checkpoints cost.
 */
export function readTorchZip(data: Buffer, limits: (pickleBytes: number) => PickleLimits = limitsFor): unknown {
  const entries = readZipEntries(data);
  const { pkl, prefix } = findPickle(entries);
  // PyTorch ≥ 2.1 records the byte order of the storages; we read them as little-endian only.
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder !== undefined && byteorder.toString('latin1') !== 'little') throw new Error(`storages are stored ${describe(byteorder.toString('latin1').slice(0, 16))}-endian; only little-endian checkpoints are read`);
  const ctx: GlobalContext = { orderedDicts: new WeakSet() };
  const value = unpickle(
    pkl,
    {
      global: (module, name) => resolveGlobal(module, name, ctx),
      persistentLoad: storageLoader(entries, prefix),
      buildable: (target) => target !== null && typeof target === 'object' && ctx.orderedDicts.has(target),
    },
    limits(pkl.length),
  );
  checkValue(value);
  return value;
}
