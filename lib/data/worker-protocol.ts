/** The messages between a DataLoader and its worker threads, and the layout of their shared signal. */

/** Slot of the shared Int32Array that counts every reply and state change (the loader waits on it). */
export const DONE_SLOT = 0;
/** A worker's state slot: starting, ready, or dead (set from its 'exit' handler). */
export function stateSlot(worker: number): number {
  return 1 + worker;
}
export const WORKER_READY = 1;
export const WORKER_DEAD = 2;

export interface WorkerTask {
  /** The pass (iteration) the task belongs to: replies of an abandoned pass are dropped. */
  gen: number;
  batch: number;
  indices: Int32Array;
  epoch: number;
}

export interface ErrorInfo {
  message: string;
  name: string;
  stack?: string;
}

interface TensorField {
  data: ArrayBufferView;
  shape: number[];
  dtype: string;
}

export type WorkerReply =
  | { kind: 'batch'; gen: number; batch: number; fields: TensorField[]; itemCount: number }
  | { kind: 'error'; gen: number; batch: number; error: ErrorInfo }
  | { kind: 'start-error'; error: ErrorInfo };
