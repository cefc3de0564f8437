import * as fs from 'fs';
import * as path from 'path';

/**
 * "CODE: message" for a file-system error. Node's own messages already start with the code
 * ("ENOSPC: no space left on device, write"), so it is added only when missing.
 */
export function fsErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const message = e?.message ?? String(err);
  return e?.code && !message.startsWith(`${e.code}:`) ? `${e.code}: ${message}` : message;
}

/**
 * Writes `data` to `file` atomically: a temporary file in the same folder, flushed and fsynced,
 * then renamed over the target (and the folder fsynced). A failure (disk full, permissions)
 * throws a clear error and leaves any previous file intact.
 */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'w', 0o644);
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(fd, data, offset, data.length - offset);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* it may not exist */
    }
    throw new Error(`could not write ${file}: ${fsErrorText(err)}; the previous file (if any) is unchanged`, { cause: err });
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* some file systems cannot fsync a folder; the rename is already done */
  }
}
