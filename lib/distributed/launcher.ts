/**
 * A torchrun-style launcher: starts the workers of one node with PyTorch's env:// variables,
 * forwards their output line by line prefixed with their rank, and ends them all as soon as one
 * fails or the launcher is told to stop. The processes only; the process group they join (c10d)
 * is theirs to create.
 */
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import { constants as osConstants } from 'os';

import { rangeError, typeError } from '../errors';

/** torchrun's MASTER_PORT when several nodes meet and no port is given. */
export const DEFAULT_MASTER_PORT = 29500;

export interface LaunchOptions {
  /** Workers on this node (torchrun's --nproc-per-node). */
  nprocPerNode: number;
  /** Nodes of the run (default 1). */
  nnodes?: number;
  /** This node's rank in [0, nnodes) (default 0): its workers get the global ranks nodeRank·nprocPerNode + localRank. */
  nodeRank?: number;
  /** Host of rank 0 (default 127.0.0.1). */
  masterAddr?: string;
  /**
   * Port of the rendezvous on the master host. As torchrun: undefined picks a free port when
   * nnodes is 1 and is 29500 otherwise; 0 picks a free port (one node only, since the other
   * nodes could not know it). Node rank 0 checks that the port is free before starting workers.
   */
  masterPort?: number;
  /** The worker's command line: an executable (or path) and its arguments. */
  command: string[];
  /** The workers' environment, before the launcher's variables (default process.env). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Where the workers' prefixed stdout goes (default process.stdout); also the launcher's own stderr notes go to `stderr`. */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Milliseconds between the ending signal (SIGTERM, or the one the launcher got) and SIGKILL (default 10000). */
  graceMs?: number;
  /**
   * Install SIGINT, SIGTERM and SIGHUP handlers for the launch's lifetime: the signal is passed to
   * every worker (SIGKILL after graceMs; a second signal kills at once) and the launch ends with
   * exit code 128 + the signal's number. The CLI sets it.
   */
  handleSignals?: boolean;
}

/** How one worker ended. */
export interface WorkerExit {
  rank: number;
  localRank: number;
  /** undefined when the process could not be started. */
  pid: number | undefined;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not be started (spawn's error), when it could not. */
  error?: string;
  /** True when the launcher ended it (another worker failed, or the launcher got a signal). */
  endedByLauncher: boolean;
}

export interface LaunchResult {
  /** 0 when every worker exited 0; 1 when one failed (as torchrun); 128 + n when the launcher got signal n. */
  exitCode: number;
  masterAddr: string;
  masterPort: number;
  /** Every worker of this node, by local rank. */
  workers: WorkerExit[];
  /** The first worker that failed (non-zero exit, a signal, or no start), if any. */
  firstFailure: WorkerExit | null;
  /** The signal the launcher got, if one ended the launch. */
  signal: NodeJS.Signals | null;
}

/** A launch in progress. */
export interface Launch {
  /** The workers' pids by local rank (undefined for one that could not be started). */
  readonly pids: ReadonlyArray<number | undefined>;
  readonly masterPort: number;
  /** Ends every worker as the launcher does on a signal: `signal`, then SIGKILL after graceMs. */
  terminate(signal?: NodeJS.Signals): void;
  readonly result: Promise<LaunchResult>;
}

interface Checked {
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number | undefined;
  command: string[];
  graceMs: number;
}

function positiveInteger(path: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(path, 'an integer', v);
  if (v < min) throw rangeError(path, `${path} must be at least ${min}, got ${v}`);
  return v;
}

function check(o: LaunchOptions): Checked {
  if (o === null || typeof o !== 'object') throw typeError('launch(options)', 'an options object', o);
  const nproc = positiveInteger('nprocPerNode', o.nprocPerNode, 1);
  const nnodes = positiveInteger('nnodes', o.nnodes ?? 1, 1);
  const nodeRank = positiveInteger('nodeRank', o.nodeRank ?? 0, 0);
  if (nodeRank >= nnodes) throw rangeError('nodeRank', `nodeRank ${nodeRank} must be below nnodes ${nnodes}`);
  const masterAddr = o.masterAddr ?? '127.0.0.1';
  if (typeof masterAddr !== 'string' || masterAddr.trim() === '') throw typeError('masterAddr', 'a host name or address', masterAddr);
  let masterPort = o.masterPort;
  if (masterPort !== undefined) {
    positiveInteger('masterPort', masterPort, 0);
    if (masterPort > 65535) throw rangeError('masterPort', `masterPort ${masterPort} is not a port (0 to 65535)`);
    if (masterPort === 0 && nnodes > 1) {
      throw rangeError('masterPort', 'masterPort 0 (a free port) works with one node only: the other nodes cannot know which port node 0 picked; give them all the same port');
    }
  }
  if (masterPort === undefined && nnodes > 1) masterPort = DEFAULT_MASTER_PORT;
  if (!Array.isArray(o.command) || o.command.length === 0 || o.command.some((a) => typeof a !== 'string') || o.command[0] === '') {
    throw typeError('command', 'a command line (a non-empty array of strings)', o.command);
  }
  const graceMs = o.graceMs ?? 10000;
  if (typeof graceMs !== 'number' || !(graceMs >= 0)) throw typeError('graceMs', 'a non-negative number', graceMs);
  return { nproc, nnodes, nodeRank, masterAddr: masterAddr.trim(), masterPort, command: o.command, graceMs };
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    // No host: all interfaces, as c10d's TCPStore binds its port.
    server.listen({ port, exclusive: true }, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** A port that is free now (the system's choice), as torchrun's get_free_port. */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/** Rejects with a clear error when `port` cannot be listened on here (in use, or privileged). */
async function checkPortFree(port: number): Promise<void> {
  try {
    await listenOnce(port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is in use on this host' : `cannot be listened on (${code ?? (e as Error).message})`;
    throw new Error(`MASTER_PORT ${port} ${why}: another run or program holds it; pick another with --master-port PORT, or --master-port 0 for a free one`, { cause: e });
  }
}

/** Writes a stream's text to `out` line by line, each line prefixed; a last partial line is flushed at the end. */
function forwardLines(from: NodeJS.ReadableStream, out: NodeJS.WritableStream, prefix: string): void {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const text = pending + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut === -1) {
      pending = text;
      return;
    }
    pending = text.slice(cut + 1);
    out.write(
      text
        .slice(0, cut)
        .split('\n')
        .map((line) => `${prefix}${line}\n`)
        .join(''),
    );
  });
  from.on('end', () => {
    if (pending !== '') out.write(`${prefix}${pending}\n`);
    pending = '';
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number>)[signal] ?? 0;
}

interface Worker {
  rank: number;
  localRank: number;
  child: ChildProcess;
  exit: WorkerExit | null;
  closed: boolean;
  streamGuard: NodeJS.Timeout | null;
}

/** Sends `signal` to the worker's whole process group (its children too); false when none is left. */
function signalGroup(w: Worker, signal: NodeJS.Signals | 0): boolean {
  const pid = w.child.pid;
  if (pid === undefined) return false;
  try {
    if (process.platform === 'win32') {
      if (signal === 0) return w.exit === null;
      return w.child.kill(signal);
    }
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function describeExit(x: WorkerExit): string {
  const who = `rank ${x.rank} (local rank ${x.localRank}${x.pid !== undefined ? `, pid ${x.pid}` : ''})`;
  if (x.error !== undefined) return `${who} could not be started: ${x.error}`;
  if (x.signal !== null) return `${who} was killed by ${x.signal}${x.endedByLauncher ? ' (sent by the launcher)' : ''}`;
  return `${who} exited with code ${x.code}${x.endedByLauncher ? ' after the launcher ended it' : ''}`;
}

/**
 * Starts the workers of this node (see LaunchOptions) and returns at once; `result` settles
 * when every worker has ended. Each worker gets RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE,
 * GROUP_RANK (the node rank), GROUP_WORLD_SIZE, ROLE_RANK, ROLE_WORLD_SIZE, ROLE_NAME,
 * MASTER_ADDR, MASTER_PORT and TORCHELASTIC_RESTART_COUNT / _MAX_RESTARTS / _RUN_ID as torchrun
 * sets them (and OMP_NUM_THREADS=1 when unset and nprocPerNode > 1, as torchrun), runs in its
 * own process group, and has its stdout and stderr lines forwarded prefixed with `[rank<r>]:`.
 * When a worker exits non-zero or by a signal, the others get SIGTERM, then SIGKILL after
 * graceMs (the signal goes to each worker's process group, so their children end too), and the
 * result's exitCode is 1. Rejects (before starting anything) on invalid options or when node
 * rank 0 finds MASTER_PORT in use.
 *
 * @example
 * const run = await sg.distributed.launch({ nprocPerNode: 2, command: [process.execPath, 'train.js'] });
 * process.exitCode = (await run.result).exitCode;
 */
export async function launch(options: LaunchOptions): Promise<Launch> {
  const o = check(options);
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const note = (text: string) => stderr.write(`sg-optim launch: ${text}\n`);
  let masterPort: number;
  if (o.masterPort === undefined || o.masterPort === 0) masterPort = await freePort();
  else {
    masterPort = o.masterPort;
    if (o.nodeRank === 0) await checkPortFree(masterPort);
  }
  const baseEnv = { ...(options.env ?? process.env) };
  if (baseEnv.OMP_NUM_THREADS === undefined && o.nproc > 1) {
    baseEnv.OMP_NUM_THREADS = '1';
    note('OMP_NUM_THREADS is set to 1 for each worker (as torchrun) so that they do not overload the machine; set it yourself to tune it');
  }
  const worldSize = o.nnodes * o.nproc;
  const workers: Worker[] = [];
  let firstFailure: WorkerExit | null = null;
  let signalled: NodeJS.Signals | null = null;
  let ending = false;
  let killTimer: NodeJS.Timeout | null = null;
  let finish: (r: LaunchResult) => void = () => {};
  const result = new Promise<LaunchResult>((resolve) => (finish = resolve));

  const killRemaining = () => {
    for (const w of workers) signalGroup(w, 'SIGKILL');
  };
  const endAll = (signal: NodeJS.Signals) => {
    if (ending) return;
    ending = true;
    for (const w of workers) {
      if (w.exit === null) signalGroup(w, signal);
    }
    killTimer = setTimeout(killRemaining, o.graceMs);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== null) {
      killRemaining(); // a second signal: no more grace
      return;
    }
    signalled = signal;
    note(`${signal}: ending the workers`);
    endAll(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (options.handleSignals === true) for (const s of signals) process.on(s, onSignal);

  const maybeDone = () => {
    if (!workers.every((w) => w.closed)) return;
    if (killTimer !== null) clearTimeout(killTimer);
    if (options.handleSignals === true) for (const s of signals) process.off(s, onSignal);
    const exits = workers.map((w) => w.exit!);
    const exitCode = signalled !== null ? 128 + signalNumber(signalled) : exits.every((x) => x.code === 0) ? 0 : 1;
    if (exitCode !== 0 && signalled === null) {
      for (const x of exits) if (x !== firstFailure && (x.code !== 0 || x.endedByLauncher)) note(describeExit(x));
    }
    finish({ exitCode, masterAddr: o.masterAddr, masterPort, workers: exits, firstFailure, signal: signalled });
  };

  const onEnded = (w: Worker, x: Omit<WorkerExit, 'rank' | 'localRank' | 'pid' | 'endedByLauncher'>) => {
    if (w.exit !== null) return;
    w.exit = { rank: w.rank, localRank: w.localRank, pid: w.child.pid, ...x, endedByLauncher: ending };
    if ((x.error !== undefined || x.code !== 0) && !ending) {
      firstFailure = w.exit;
      note(`${describeExit(w.exit)}; ending the other workers`);
      endAll('SIGTERM');
    }
    // What the worker left behind in its process group ends too (then the pipes close).
    if (signalGroup(w, 0)) {
      signalGroup(w, 'SIGTERM');
      setTimeout(() => signalGroup(w, 'SIGKILL'), o.graceMs).unref();
    }
    // A descendant that left the group may hold the pipes open: stop waiting for them after a while.
    w.streamGuard = setTimeout(() => {
      w.child.stdout?.destroy();
      w.child.stderr?.destroy();
      w.closed = true;
      maybeDone();
    }, o.graceMs + 2000);
  };

  for (let localRank = 0; localRank < o.nproc; localRank++) {
    const rank = o.nodeRank * o.nproc + localRank;
    const env: Record<string, string | undefined> = {
      ...baseEnv,
      RANK: String(rank),
      LOCAL_RANK: String(localRank),
      WORLD_SIZE: String(worldSize),
      LOCAL_WORLD_SIZE: String(o.nproc),
      GROUP_RANK: String(o.nodeRank),
      GROUP_WORLD_SIZE: String(o.nnodes),
      ROLE_RANK: String(rank),
      ROLE_WORLD_SIZE: String(worldSize),
      ROLE_NAME: 'default',
      MASTER_ADDR: o.masterAddr,
      MASTER_PORT: String(masterPort),
      TORCHELASTIC_RESTART_COUNT: '0',
      TORCHELASTIC_MAX_RESTARTS: '0',
      TORCHELASTIC_RUN_ID: 'none',
    };
    const child = spawn(o.command[0], o.command.slice(1), {
      env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32', // its own process group, so that its children end with it
    });
    const w: Worker = { rank, localRank, child, exit: null, closed: false, streamGuard: null };
    workers.push(w);
    const prefix = `[rank${rank}]:`;
    if (child.stdout) forwardLines(child.stdout, stdout, prefix);
    if (child.stderr) forwardLines(child.stderr, stderr, prefix);
    child.on('exit', (code, signal) => onEnded(w, { code, signal }));
    child.on('error', (err) => {
      if (child.pid !== undefined) return; // an error after the start (a failed kill): 'exit' tells the end
      onEnded(w, { code: null, signal: null, error: err.message });
      w.closed = true;
      if (w.streamGuard) clearTimeout(w.streamGuard);
      maybeDone();
    });
    child.on('close', () => {
      if (w.exit === null) onEnded(w, { code: child.exitCode, signal: child.signalCode });
      if (w.streamGuard) clearTimeout(w.streamGuard);
      if (w.closed) return;
      w.closed = true;
      maybeDone();
    });
  }
  return {
    pids: workers.map((w) => w.child.pid),
    masterPort,
    terminate: (signal: NodeJS.Signals = 'SIGTERM') => onSignal(signal),
    result,
  };
}
