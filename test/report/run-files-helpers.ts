/**
 * Shared by the report tests: a short real training run with the run logger on, and an
 * independent decoder of TensorBoard event files (the wire format of tensorflow.Event, read field
 * by field with protobufjs's low-level Reader, not with the writer's schema).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';

import * as nn from '../../lib/nn';
import { readRecords } from '../../lib/report/tfrecord';
import * as sg from '../../lib/tensor';
import { Batch, Trainer } from '../../lib/training';

export interface DecodedEvent {
  wall_time: number;
  step: number;
  file_version?: string;
  scalars: Array<{ tag: string; value: number }>;
  sessionStatus?: number;
}

/** Decodes one serialized tensorflow.Event (fields 1 wall_time, 2 step, 3 file_version, 5 summary, 7 session_log). */
export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const r = protobuf.Reader.create(bytes);
  const ev: DecodedEvent = { wall_time: 0, step: 0, scalars: [] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 1) ev.wall_time = r.double();
    else if (field === 2 && (tag & 7) === 0) ev.step = Number(r.int64());
    else if (field === 3 && (tag & 7) === 2) ev.file_version = r.string();
    else if (field === 5 && (tag & 7) === 2) {
      const s = protobuf.Reader.create(r.bytes());
      while (s.pos < s.len) {
        const t = s.uint32();
        if (t >>> 3 !== 1) {
          s.skipType(t & 7);
          continue;
        }
        const v = protobuf.Reader.create(s.bytes());
        let name = '';
        let value = NaN;
        while (v.pos < v.len) {
          const vt = v.uint32();
          if (vt >>> 3 === 1 && (vt & 7) === 2) name = v.string();
          else if (vt >>> 3 === 2 && (vt & 7) === 5) value = v.float();
          else v.skipType(vt & 7);
        }
        ev.scalars.push({ tag: name, value });
      }
    } else if (field === 7 && (tag & 7) === 2) {
      const s = protobuf.Reader.create(r.bytes());
      while (s.pos < s.len) {
        const t = s.uint32();
        if (t >>> 3 === 1) ev.sessionStatus = s.uint32();
        else s.skipType(t & 7);
      }
    } else r.skipType(tag & 7);
  }
  return ev;
}

/** The event files of a folder, oldest first. */
export function eventFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('events.out.tfevents.'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** tag → [[step, value], ...] of every scalar in a folder's event files. */
export function decodeScalars(dir: string): Record<string, Array<[number, number]>> {
  const out: Record<string, Array<[number, number]>> = {};
  for (const file of eventFiles(dir)) {
    for (const rec of readRecords(fs.readFileSync(file))) {
      const ev = decodeEvent(rec);
      for (const s of ev.scalars) (out[s.tag] ??= []).push([ev.step, s.value]);
    }
  }
  return out;
}

/** Fixed random batches of 4 samples, 3 features, 2 classes. */
function fixedLoader(n: number, seed: number) {
  sg.manualSeed(seed);
  const batches = Array.from({ length: n }, () => [sg.randn([4, 3]), sg.randint(0, 2, [4])] as Batch);
  return { length: n, *[Symbol.iterator]() { yield* batches; } };
}

/** Two param groups (backbone.* at half the LR, the rest at initial_lr), so that the LR has two series. */
const twoGroupNet = () => new nn.Sequential({ backbone: new nn.Linear(3, 3), act: new nn.ReLU(), head: new nn.Linear(3, 2) });

export const TRAINING_PARAMS = {
  max_epochs: 4,
  initial_lr: { backbone: 0.05, default: 0.1 },
  lr_mode: 'CosineLRScheduler',
  lr_warmup_steps: 5,
  warmup_mode: 'LinearBatchLRWarmup',
  warmup_initial_lr: 0.01,
  loss: 'CrossEntropyLoss',
  train_metrics_list: ['Accuracy'],
  valid_metrics_list: ['Accuracy', 'Top5'],
  run_validation_freq: 2,
  silent_mode: true,
  sg_logger_params: { tb: true, report: true },
};

/** Trains twoGroupNet for 4 epochs of 5 batches (validating every second epoch) into root/name. */
export async function trainRun(root: string, name: string, extra: Record<string, unknown> = {}) {
  sg.manualSeed(0);
  const trainer = new Trainer({ experimentName: name, ckptRootDir: root });
  const result = await trainer.train({
    model: twoGroupNet(),
    trainingParams: { ...TRAINING_PARAMS, ...extra },
    trainLoader: fixedLoader(5, 1),
    validLoader: fixedLoader(2, 2),
    additionalConfigsToLog: { recipe_config: { architecture: 'twoGroupNet', note: 'test' } },
  });
  return { trainer, result, dir: trainer.experimentDir };
}
