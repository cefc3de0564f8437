/**
 * The launcher (lib/distributed/launcher.ts) and `sg-optim launch`, with small Node.js workers
 * (launch-worker.ts). Timeouts and loop counts are hang guards only, never timing assertions.
 */
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { DEFAULT_MASTER_PORT, freePort, launch, LaunchOptions, LaunchResult } from '../../lib/distributed/launcher';
import { cleanEnv, Sink } from '../helpers/launch';

const worker = path.join(__dirname, 'launch-worker.js');
const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');

async function run(mode: string[], options: Partial<LaunchOptions> = {}): Promise<{ result: LaunchResult; out: Sink; err: Sink; pids: Array<number | undefined> }> {
  const out = new Sink();
  const err = new Sink();
  const l = await launch({ nprocPerNode: 2, command: [process.execPath, worker, ...mode], env: cleanEnv(['OMP_NUM_THREADS']), stdout: out, stderr: err, ...options });
  return { result: await l.result, out, err, pids: [...l.pids] };
}

/** True while `pid` is a live process (a zombie that no one reaps counts as ended). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) succeeded
  }
}

/** Waits (bounded: 250 × 20 ms, a hang guard) for every pid to end; returns those still alive. */
async function survivors(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 250 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
  return pids.filter(alive);
}

/** The pids a worker printed ("[rankR]:pids P [C]"), by rank. */
function printedPids(text: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const m of text.matchAll(/^\[rank(\d+)\]:pids ([\d ]+)$/gm)) out.set(Number(m[1]), m[2].trim().split(' ').map(Number));
  return out;
}

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sg-launch-'));

describe('distributed: the launcher', function () {
  this.timeout(120000); // a hang guard only

  it("sets each worker's env as torchrun (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_*, ...), which readDistributedEnv reads back", async () => {
    const { result, out } = await run(['env'], { nprocPerNode: 3 });
    assert.equal(result.exitCode, 0);
    const byRank = new Map<number, { env: Record<string, string>; parsed: unknown }>();
    for (const l of out.lines()) {
      const m = /^\[rank(\d)\]:(.*)$/.exec(l);
      assert.ok(m, l);
      byRank.set(Number(m[1]), JSON.parse(m[2]));
    }
    assert.deepEqual([...byRank.keys()].sort(), [0, 1, 2]);
    const port = String(result.masterPort);
    assert.ok(result.masterPort > 0 && result.masterPort !== DEFAULT_MASTER_PORT, `one node, no port given: a free port (${port})`);
    for (const [rank, { env, parsed }] of byRank) {
      assert.deepEqual(env, {
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        WORLD_SIZE: '3',
        LOCAL_WORLD_SIZE: '3',
        GROUP_RANK: '0',
        GROUP_WORLD_SIZE: '1',
        ROLE_RANK: String(rank),
        ROLE_WORLD_SIZE: '3',
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: port,
        OMP_NUM_THREADS: '1',
      });
      assert.deepEqual(parsed, { rank, worldSize: 3, localRank: rank, localWorldSize: 3, masterAddr: '127.0.0.1', masterPort: result.masterPort });
    }
    assert.deepEqual(result.workers.map((w) => [w.rank, w.code, w.signal]), [[0, 0, null], [1, 0, null], [2, 0, null]]);
  });

  it('a node rank > 0 gets the global ranks nodeRank·N + localRank; several nodes without a port use 29500', async () => {
    const { result, out } = await run(['env'], { nnodes: 3, nodeRank: 1, masterAddr: 'node0.example' });
    assert.equal(result.exitCode, 0);
    const envs = out.lines().map((l) => JSON.parse(l.replace(/^\[rank\d\]:/, '')).env).sort((a, b) => Number(a.RANK) - Number(b.RANK));
    assert.deepEqual(envs.map((e) => [e.RANK, e.LOCAL_RANK, e.WORLD_SIZE, e.GROUP_RANK, e.MASTER_ADDR, e.MASTER_PORT]), [
      ['2', '0', '6', '1', 'node0.example', '29500'],
      ['3', '1', '6', '1', 'node0.example', '29500'],
    ]);
  });

  it('forwards stdout and stderr line by line, each line prefixed [rank<r>]: (partial lines and split UTF-8 joined)', async () => {
    const { result, out, err } = await run(['lines']);
    assert.equal(result.exitCode, 0);
    for (const r of [0, 1]) {
      assert.deepEqual(out.lines().filter((l) => l.startsWith(`[rank${r}]:`)), [`[rank${r}]:one ${r}`, `[rank${r}]:two é`, `[rank${r}]:three`]);
      assert.deepEqual(err.lines().filter((l) => l.startsWith(`[rank${r}]:`)), [`[rank${r}]:err ${r}`]);
    }
  });

  it('a worker exiting 3 fails the launch (exit 1) and ends the other workers and their children: no orphan', async () => {
    const dir = tmpDir();
    const { result, out, err, pids } = await run(['family', dir, '1', '3'], { nprocPerNode: 3 });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(result.firstFailure && [result.firstFailure.rank, result.firstFailure.code, result.firstFailure.endedByLauncher], [1, 3, false]);
    assert.match(err.text, /rank 1 \(local rank 1, pid \d+\) exited with code 3; ending the other workers/);
    for (const r of [0, 2]) {
      const w = result.workers[r];
      assert.deepEqual([w.rank, w.code, w.signal, w.endedByLauncher], [r, null, 'SIGTERM', true]);
    }
    const printed = printedPids(out.text);
    assert.deepEqual([...printed.keys()].sort(), [0, 1, 2]);
    const all = [...pids.map(Number), ...[...printed.values()].flat()];
    assert.equal(all.length, 3 + 6, 'three workers (printed again by themselves) and their three children');
    assert.deepEqual(await survivors(all), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a worker killed with SIGKILL fails the launch; the others end', async () => {
    const dir = tmpDir();
    const out = new Sink();
    const l = await launch({ nprocPerNode: 2, command: [process.execPath, worker, 'wait', dir], env: cleanEnv(['OMP_NUM_THREADS']), stdout: out, stderr: new Sink() });
    for (let i = 0; i < 3000 && fs.readdirSync(dir).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    process.kill(l.pids[1]!, 'SIGKILL');
    const result = await l.result;
    assert.equal(result.exitCode, 1);
    assert.deepEqual(result.workers.map((w) => [w.rank, w.signal, w.endedByLauncher]), [[0, 'SIGTERM', true], [1, 'SIGKILL', false]]);
    assert.equal(result.firstFailure?.rank, 1);
    assert.deepEqual(await survivors(l.pids.map(Number)), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a worker that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const dir = tmpDir();
    const l = await launch({ nprocPerNode: 2, command: [process.execPath, worker, 'ignore-term', dir], env: cleanEnv(['OMP_NUM_THREADS']), stdout: new Sink(), stderr: new Sink(), graceMs: 300 });
    for (let i = 0; i < 3000 && fs.readdirSync(dir).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    l.terminate('SIGTERM');
    const result = await l.result;
    assert.equal(result.exitCode, 128 + os.constants.signals.SIGTERM);
    assert.equal(result.signal, 'SIGTERM');
    assert.deepEqual(result.workers.map((w) => [w.signal, w.endedByLauncher]), [['SIGKILL', true], ['SIGKILL', true]]);
    assert.deepEqual(await survivors(l.pids.map(Number)), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a command that cannot start fails the launch with spawn\'s error', async () => {
    const err = new Sink();
    const l = await launch({ nprocPerNode: 2, command: ['sg-optim-no-such-program'], stdout: new Sink(), stderr: err });
    const result = await l.result;
    assert.equal(result.exitCode, 1);
    assert.deepEqual(result.workers.map((w) => [w.pid, w.error]), [[undefined, 'spawn sg-optim-no-such-program ENOENT'], [undefined, 'spawn sg-optim-no-such-program ENOENT']]);
    assert.match(err.text, /rank 0 \(local rank 0\) could not be started: spawn sg-optim-no-such-program ENOENT/);
  });

  it('node rank 0 refuses a MASTER_PORT in use; invalid options are errors naming the option', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await assert.rejects(launch({ nprocPerNode: 1, masterPort: port, command: ['true'] }), new RegExp(`MASTER_PORT ${port} is in use on this host`));
    } finally {
      server.close();
    }
    await assert.rejects(launch({ nprocPerNode: 0, command: ['true'] }), /nprocPerNode must be at least 1, got 0/);
    await assert.rejects(launch({ nprocPerNode: 1, nnodes: 2, nodeRank: 2, command: ['true'] }), /nodeRank 2 must be below nnodes 2/);
    await assert.rejects(launch({ nprocPerNode: 1, nnodes: 2, masterPort: 0, command: ['true'] }), /masterPort 0 \(a free port\) works with one node only/);
    await assert.rejects(launch({ nprocPerNode: 1, command: [] }), /Expected a command line/);
    const p = await freePort();
    assert.ok(p > 0 && p < 65536);
  });
});

/** Runs the CLI; resolves with its exit code (or signal) and output. `onLine` sees stdout lines as they come. */
function cli(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { env: cleanEnv(['OMP_NUM_THREADS']), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) onLine?.(l, child);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60000); // hang guard
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('CLI: sg-optim launch', function () {
  this.timeout(120000); // a hang guard only

  it('runs a script on N workers with prefixed output', async () => {
    const r = await cli(['launch', '--nproc-per-node', '2', '--', worker, 'env']);
    assert.equal(r.code, 0, r.stderr);
    const ranks = r.stdout.trim().split('\n').map((l) => JSON.parse(l.replace(/^\[rank\d\]:/, '')).env.RANK).sort();
    assert.deepEqual(ranks, ['0', '1']);
  });

  it('runs sg-optim commands as workers', async () => {
    const r = await cli(['launch', '--nproc-per-node', '2', '--', 'sg-optim', 'recipes']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').filter((l) => l.startsWith('[rank1]:')), ['[rank1]:digits_folder_resnet', '[rank1]:mnist_lenet', '[rank1]:mnist_lenet_lamb', '[rank1]:mnist_lenet_rmsproptf', '[rank1]:mnist_mlp']);
  });

  it('two launchers with --nnodes 2 on loopback start ranks 0-3 of one world', async () => {
    const port = String(await freePort());
    const node = (rank: number) => cli(['launch', '--nproc-per-node', '2', '--nnodes', '2', '--node-rank', String(rank), '--master-addr', '127.0.0.1', '--master-port', port, '--', worker, 'env']);
    const [a, b] = await Promise.all([node(0), node(1)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const envs = [a, b].flatMap((r) => r.stdout.trim().split('\n').map((l) => JSON.parse(l.replace(/^\[rank\d\]:/, '')).env));
    envs.sort((x, y) => Number(x.RANK) - Number(y.RANK));
    assert.deepEqual(envs.map((e) => [e.RANK, e.LOCAL_RANK, e.GROUP_RANK, e.WORLD_SIZE, e.MASTER_PORT]), [
      ['0', '0', '0', '4', port],
      ['1', '1', '0', '4', port],
      ['2', '0', '1', '4', port],
      ['3', '1', '1', '4', port],
    ]);
    assert.match(a.stdout, /^\[rank1\]:/m);
    assert.match(b.stdout, /^\[rank3\]:/m);
  });

  it('a worker exiting 3 makes launch exit 1 and end the others', async () => {
    const dir = tmpDir();
    const r = await cli(['launch', '--nproc-per-node', '2', '--', worker, 'family', dir, '0', '3']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rank 0 \(local rank 0, pid \d+\) exited with code 3; ending the other workers/);
    assert.match(r.stderr, /rank 1 \(local rank 1, pid \d+\) was killed by SIGTERM \(sent by the launcher\)/);
    assert.deepEqual(await survivors([...printedPids(r.stdout).values()].flat()), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM to the launcher ends every worker and their children, and launch exits 143', async () => {
    const dir = tmpDir();
    const seen = new Set<string>();
    const r = await cli(['launch', '--nproc-per-node', '2', '--', worker, 'family', dir, 'none', '0'], (line, child) => {
      if (/^\[rank\d\]:pids /.test(line)) seen.add(line.slice(0, 7));
      if (seen.size === 2 && !seen.has('sent')) {
        seen.add('sent');
        child.kill('SIGTERM');
      }
    });
    assert.equal(r.code, 128 + os.constants.signals.SIGTERM, r.stderr);
    assert.match(r.stderr, /SIGTERM: ending the workers/);
    const pids = [...printedPids(r.stdout).values()].flat();
    assert.equal(pids.length, 4, 'two workers and their children');
    assert.deepEqual(await survivors(pids), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('clear errors: unknown flags (did you mean), no command after --, bad values, a port in use', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['launch', '--nproc-per-nod', '2', '--', 'x.js'], /unknown flag '--nproc-per-nod' for 'launch'; did you mean '--nproc-per-node'\?/],
      [['launch', '--nproc-per-node', '2'], /launch needs the workers' command after '--'/],
      [['launch', '--nproc-per-node', '2', '--'], /launch needs the workers' command after '--'/],
      [['launch', '--nproc-per-node', '2', 'train.js'], /put it after '--': sg-optim launch --nproc-per-node N -- train\.js/],
      [['launch', '--', worker, 'env'], /--nproc-per-node is required/],
      [['launch', '--nproc-per-node', 'two', '--', worker], /--nproc-per-node must be an integer, got 'two'/],
      [['launch', '--nproc-per-node', '2', '--nnodes', '1:2', '--', worker], /elastic MIN:MAX ranges are not supported/],
      [['launch', '--nproc-per-node', '2', '--nnodes', '2', '--node-rank', '2', '--', worker], /--node-rank 2 must be below --nnodes 2/],
      [['launch', '--nproc-per-node', '2', '--master-port', '70000', '--', worker], /--master-port must be in \[0, 65535\], got 70000/],
      [['launch', '--nproc-per-node', '2', '--nnodes', '2', '--master-port', '0', '--', worker], /--master-port 0 \(a free port\) works with one node only/],
      [['launch', '--nproc-per-node', '2', '--', 'no-such-script.js'], /no such script 'no-such-script\.js'/],
      [['train', '--config-name', 'mnist_mlp', '--', 'x'], /'--' \(a command to run\) is only for 'launch', not 'train'/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
    }
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await cli(['launch', '--nproc-per-node', '2', '--master-port', String(port), '--', worker, 'env']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`MASTER_PORT ${port} is in use on this host: .* --master-port 0 for a free one`));
      assert.equal(r.stdout, '', 'no worker started');
    } finally {
      server.close();
    }
    const help = await cli(['launch', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: sg-optim launch --nproc-per-node N/);
  });
});
