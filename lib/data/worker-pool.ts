/**
 * The worker threads of one DataLoader. The loader's iteration is synchronous (the Trainer
 * iterates it with for-of), so it cannot await the event loop for replies: each worker posts its
 * batches on a MessagePort and bumps a shared counter; the loader sleeps in Atomics.wait on that
 * counter and reads the ports with receiveMessageOnPort. Workers and ports are unref'd, so a
 * loader never keeps the process alive, and threads end with the process.
 */
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

import { DatasetWorkerSpec } from './dataset';
import { DONE_SLOT, ErrorInfo, stateSlot, WORKER_DEAD, WORKER_READY, WorkerReply, WorkerTask } from './worker-protocol';

type BatchReply = Extract<WorkerReply, { kind: 'batch' }>;

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  /** Tasks sent and not yet answered. */
  pending: number;
}

/** A worker's error, rethrown in the loading thread with the worker's message (it names the file). */
function workerError(info: ErrorInfo, where: string): Error {
  const err = new Error(`${info.message} (${where})`);
  err.name = info.name;
  if (info.stack) err.stack = `${err.name}: ${err.message}\n--- in the worker thread:\n${info.stack}`;
  return err;
}

function popcount(state: number): number {
  return (state & WORKER_READY ? 1 : 0) + (state & WORKER_DEAD ? 1 : 0);
}

/** Sleeps ms milliseconds without the event loop. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class WorkerPool {
  private readonly workers: PoolWorker[];
  private readonly signal: Int32Array;
  private readonly replies = new Map<number, WorkerReply>();
  private drained = 0;
  private gen = 0;
  private closed = false;
  private startError: { info: ErrorInfo; id: number } | null = null;

  constructor(spec: DatasetWorkerSpec, count: number, collate: boolean) {
    // sharp (when the data set uses it) is loaded once in this thread before any worker loads it, as sharp advises.
    this.signal = new Int32Array(new SharedArrayBuffer(4 * (1 + count)));
    this.workers = Array.from({ length: count }, (_, id) => {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(path.join(__dirname, 'loader-worker.js'), {
        workerData: { spec, signal: this.signal.buffer, port: port2, id, collate },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      // Seen when the event loop runs (the Trainer yields to it between batches); the worker's own exit handler covers the rest.
      worker.on('exit', () => this.markDead(id));
      worker.on('error', () => this.markDead(id));
      return { worker, port: port1, pending: 0 };
    });
  }

  private markDead(id: number): void {
    if (Atomics.or(this.signal, stateSlot(id), WORKER_DEAD) & WORKER_DEAD) return;
    Atomics.add(this.signal, DONE_SLOT, 1);
    Atomics.notify(this.signal, DONE_SLOT);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts a new pass: replies still coming for the previous one are dropped. */
  begin(): number {
    if (this.closed) throw new Error('this DataLoader has been closed');
    this.replies.clear();
    return ++this.gen;
  }

  /** Sends a batch to its worker (batch b goes to worker b mod count, as PyTorch's round robin). */
  submit(gen: number, batch: number, indices: Int32Array, epoch: number): void {
    const w = this.workers[batch % this.workers.length];
    const task: WorkerTask = { gen, batch, indices, epoch };
    w.pending += 1;
    w.port.postMessage(task);
  }

  private drain(): void {
    this.workers.forEach((w, id) => {
      for (;;) {
        const m = receiveMessageOnPort(w.port) as { message: WorkerReply } | undefined;
        if (!m) return;
        this.drained += 1;
        const reply = m.message;
        if (reply.kind === 'start-error') {
          this.startError ??= { info: reply.error, id };
          continue;
        }
        w.pending -= 1;
        if (reply.gen === this.gen) this.replies.set(reply.batch, reply);
      }
    });
  }

  /** Sleeps until batch `batch` of pass `gen` is back, and returns it; a worker's error is thrown here. */
  take(gen: number, batch: number): BatchReply {
    for (;;) {
      const seen = Atomics.load(this.signal, DONE_SLOT);
      this.drain();
      const reply = this.replies.get(batch);
      if (reply && gen === this.gen) {
        this.replies.delete(batch);
        if (reply.kind === 'error') throw workerError(reply.error, `DataLoader worker ${batch % this.workers.length}, batch ${batch}`);
        return reply as BatchReply;
      }
      if (this.startError) throw workerError(this.startError.info, `rebuilding the data set from its workerSpec() in DataLoader worker ${this.startError.id}`);
      let events = this.drained;
      for (let id = 0; id < this.workers.length; id++) {
        const state = Atomics.load(this.signal, stateSlot(id));
        events += popcount(state);
        if (state & WORKER_DEAD && this.workers[id].pending > 0) {
          throw new Error(`DataLoader worker ${id} exited unexpectedly with ${this.workers[id].pending} batch(es) unanswered`);
        }
      }
      // A reply is counted just after it is posted and can take a moment to become readable.
      if (seen > events) sleep(1);
      else Atomics.wait(this.signal, DONE_SLOT, seen, 1000);
    }
  }

  /** Ends every worker now (terminate() stops a thread even in the middle of a batch). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) {
      w.port.close();
      void w.worker.terminate();
    }
  }

  /** The worker threads (for tests: their threadId, and 'exit' events). */
  get threads(): readonly Worker[] {
    return this.workers.map((w) => w.worker);
  }
}
