/** What the multi-process tests share: a stream that keeps what the workers print, and their environment. */
import { Writable } from 'stream';

/** A writable that keeps what it gets. */
export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
}

/** The launcher's env:// variables, which a worker must get from its own launcher, not from the test's. */
const LAUNCH_VARIABLES = ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'MASTER_ADDR', 'MASTER_PORT'];

/** The environment of the workers: the test's, without the variables a launcher sets (and `also`). */
export function cleanEnv(also: string[] = []): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const k of [...LAUNCH_VARIABLES, ...also]) delete env[k];
  return env;
}
