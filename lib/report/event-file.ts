/**
 * TensorBoard event files: `events.out.tfevents.<seconds>.<host>.<pid>.<n>`, a TFRecord file
 * (./tfrecord.ts) of `tensorflow.Event` protocol buffers, as PyTorch's SummaryWriter writes them.
 * The first event carries `file_version: "brain.Event:2"`; scalars are `Summary.Value.simple_value`.
 *
 * The messages are encoded by protobufjs (the most used protobuf package for JavaScript; no install
 * script, one dependency) from the subset of TensorFlow's event.proto / summary.proto below, with
 * TensorFlow's field numbers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as protobuf from 'protobufjs';

import { frameRecord } from './tfrecord';

/** tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto (the fields written here). */
const EVENT_PROTO = {
  nested: {
    tensorflow: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['file_version', 'summary', 'session_log'] } },
          fields: {
            wall_time: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            file_version: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
            session_log: { type: 'SessionLog', id: 7 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simple_value'] } },
              fields: { tag: { type: 'string', id: 1 }, simple_value: { type: 'float', id: 2 } },
            },
          },
        },
        SessionLog: {
          fields: { status: { type: 'SessionStatus', id: 1 }, checkpoint_path: { type: 'string', id: 2 }, msg: { type: 'string', id: 3 } },
          nested: { SessionStatus: { values: { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } } },
        },
      },
    },
  },
};

const Event = protobuf.Root.fromJSON(EVENT_PROTO).lookupType('tensorflow.Event');

/** The fields of an Event written here. */
interface EventFields {
  wall_time: number;
  step?: number;
  file_version?: string;
  summary?: { value: Array<{ tag: string; simple_value: number }> };
  /** 1: START (TensorBoard drops the events of the same run with a step at or after this one). */
  session_log?: { status: number };
}

/** The Event protocol buffer's bytes. */
function encodeEvent(event: EventFields): Uint8Array {
  const err = Event.verify(event);
  if (err) throw new Error(`tensorflow.Event: ${err}`);
  return Event.encode(Event.fromObject(event)).finish();
}

let fileCounter = 0;

/**
 * Appends events to one new event file in `dir`. Scalars are buffered and written by
 * {@link EventFileWriter.flush} (the run logger flushes at the end of each epoch).
 */
export class EventFileWriter {
  readonly file: string;
  private pending: Buffer[] = [];

  constructor(dir: string, now: number = Date.now()) {
    fs.mkdirSync(dir, { recursive: true });
    const seconds = Math.floor(now / 1000);
    this.file = path.join(dir, `events.out.tfevents.${String(seconds).padStart(10, '0')}.${os.hostname()}.${process.pid}.${fileCounter++}`);
    fs.writeFileSync(this.file, frameRecord(encodeEvent({ wall_time: now / 1000, file_version: 'brain.Event:2' })));
  }

  /** A scalar at `step` (float32, as TensorBoard's simple_value stores it). */
  addScalar(tag: string, value: number, step: number, wallTime: number = Date.now() / 1000): void {
    this.pending.push(frameRecord(encodeEvent({ wall_time: wallTime, step, summary: { value: [{ tag, simple_value: value }] } })));
  }

  /** SessionLog START at `step`: a new run from this step on (TensorBoard discards older events of the folder from it). */
  addSessionStart(step: number, wallTime: number = Date.now() / 1000): void {
    this.pending.push(frameRecord(encodeEvent({ wall_time: wallTime, step, session_log: { status: 1 } })));
  }

  /** Appends the buffered events to the file. */
  flush(): void {
    if (this.pending.length === 0) return;
    fs.appendFileSync(this.file, Buffer.concat(this.pending));
    this.pending = [];
  }
}
