import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { transforms as T } from '../../lib/data';
import { mulberry32 } from '../../lib/data/random';
import { Tensor } from '../../lib/tensor';

type Box = [number, number, number, number];
interface Case {
  kind: string;
  height: number;
  width: number;
  scale?: [number, number];
  ratio?: [number, number];
  size?: [number, number];
  fallback?: Box;
  n: number;
  [stat: string]: unknown;
}

// Statistics of torchvision's get_params drawn with torch's RNG (test/data/torchvision_params.py).
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'data', 'torchvision-params.json'), 'utf8')) as { cases: Case[] };

function summary(samples: Box[], height: number, width: number): Record<string, number> {
  const n = samples.length;
  const out: Record<string, number> = {};
  const stat = (name: string, col: number[]) => {
    const m = col.reduce((a, b) => a + b, 0) / n;
    out[`mean_${name}`] = m;
    out[`std_${name}`] = Math.sqrt(col.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
  };
  'ijhw'.split('').forEach((name, k) => stat(name, samples.map((s) => s[k])));
  stat('log_ratio', samples.map((s) => Math.log(s[3] / s[2])));
  stat('area', samples.map((s) => (s[2] * s[3]) / (height * width)));
  return out;
}

/** Means agree within 4.5 standard errors of a difference of two means of n samples each. */
function assertSameDistribution(ours: Record<string, number>, ref: Case, n: number): void {
  for (const name of ['i', 'j', 'h', 'w', 'log_ratio', 'area']) {
    const se = Math.sqrt(2 / n) * Math.max(ref[`std_${name}`] as number, 1e-9);
    const diff = Math.abs(ours[`mean_${name}`] - (ref[`mean_${name}`] as number));
    assert.ok(diff <= 4.5 * se + 1e-9, `${ref.kind} ${ref.height}x${ref.width}: mean ${name} ${ours[`mean_${name}`]} vs torchvision ${ref[`mean_${name}`] as number} (4.5 SE = ${4.5 * se})`);
  }
}

describe('data: transforms (torchvision rules)', () => {
  it("pyRound is Python's round (halves to even), which torchvision's crops use", () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 7].map(T.pyRound), [0, 2, 2, 4, 2, 3, 7]);
  });

  it("Resize output sizes follow torchvision's _compute_resized_output_size", () => {
    // [h, w, size, max_size] → [new_h, new_w], worked out by torchvision's formula by hand.
    assert.deepEqual(T.resizedOutputSize(30, 40, 16), [16, 21]); // int(16 * 40 / 30) = int(21.33)
    assert.deepEqual(T.resizedOutputSize(50, 20, 16), [40, 16]); // the width is the shorter side
    assert.deepEqual(T.resizedOutputSize(3, 7, 2), [2, 4]); // int(4.67) truncates
    assert.deepEqual(T.resizedOutputSize(10, 10, 5), [5, 5]);
    assert.deepEqual(T.resizedOutputSize(100, 400, 50, 150), [37, 150]); // long 200 > 150: short int(150 * 50 / 200)
    assert.deepEqual(T.resizedOutputSize(30, 40, [7, 9]), [7, 9]);
    assert.throws(() => T.resizedOutputSize(30, 40, 16, 16), /max_size = 16 must be strictly greater than the requested size for the smaller edge size = 16/);
    assert.throws(() => new T.Resize({ size: 16, max_size: 10 }), /max_size = 10 must be strictly greater/);
    assert.throws(() => new T.Resize({ size: 0 }), /Expected a positive integer for Resize\(\{size\}\) but received 0/);
    assert.throws(() => new T.Resize({ size: 8, interpolation: 'lanczos' as never }), /Expected one of nearest, bilinear, bicubic for Resize\(\{interpolation\}\) but received 'lanczos'/);
  });

  it("CenterCrop's box uses Python's round and pads a smaller image as torchvision", () => {
    assert.deepEqual(T.centerCropBox(5, 5, 2, 2), [2, 2, 2, 2]); // round(1.5) = 2
    assert.deepEqual(T.centerCropBox(7, 8, 2, 2), [2, 3, 2, 2]); // round(2.5) = 2, round(3) = 3
    assert.deepEqual(T.centerCropBox(224, 300, 224, 224), [0, 38, 224, 224]);
    const img: T.RawImage = { data: Uint8Array.from({ length: 9 }, (_, k) => k + 1), width: 3, height: 3, channels: 1 };
    // 3x3 → 4x4: torchvision pads left/top by (4 - 3) // 2 = 0 and right/bottom by (4 - 3 + 1) // 2 = 1.
    const out = T.runSync(new T.CenterCrop({ size: 4 }).apply(img), () => assert.fail('no sharp work')) as T.RawImage;
    assert.deepEqual([...out.data], [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0]);
    const crop = T.runSync(new T.CenterCrop({ size: [1, 2] }).apply(img), () => assert.fail('no sharp work')) as T.RawImage;
    assert.deepEqual([...crop.data], [4, 5]); // top round(1) = 1, left round(0.5) = 0
  });

  it('pads as numpy/torchvision: constant, edge, reflect, symmetric', () => {
    const row: T.RawImage = { data: Uint8Array.from([1, 2, 3]), width: 3, height: 1, channels: 1 };
    const pad = (mode: T.PaddingMode) => [...T.padImage(row, [2, 0, 2, 0], [9], mode).data];
    assert.deepEqual(pad('constant'), [9, 9, 1, 2, 3, 9, 9]);
    assert.deepEqual(pad('edge'), [1, 1, 1, 2, 3, 3, 3]);
    assert.deepEqual(pad('reflect'), [3, 2, 1, 2, 3, 2, 1]);
    assert.deepEqual(pad('symmetric'), [2, 1, 1, 2, 3, 3, 2]);
    assert.throws(() => new T.RandomCrop({ size: 2, padding_mode: 'wrap' as never }), /Expected one of constant, edge, reflect, symmetric for RandomCrop\(\{padding_mode\}\) but received 'wrap'/);
    assert.throws(() => new T.RandomCrop({ size: 2, padding: [1, 2, 3] }), /\[left\/right, top\/bottom\] or \[left, top, right, bottom\] for RandomCrop\(\{padding\}\)/);
  });

  it('RandomCrop with padding: reproducible per seed, every offset possible, crop equals the padded pixels', () => {
    const img: T.RawImage = { data: Uint8Array.from({ length: 16 }, (_, k) => 10 + k), width: 4, height: 4, channels: 1 };
    const run = (seed: number) => {
      const t = new T.RandomCrop({ size: 4, padding: 1, seed });
      return Array.from({ length: 50 }, () => [...(T.runSync(t.apply(img), () => assert.fail()) as T.RawImage).data]);
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
    const seen = new Set(run(3).map((px) => px.join(',')));
    assert.equal(seen.size, 9); // (6 - 4 + 1)² offsets
    assert.ok(seen.has([0, 0, 0, 0, 0, 10, 11, 12, 0, 14, 15, 16, 0, 18, 19, 20].join(','))); // offset (0, 0)
    assert.throws(() => T.runSync(new T.RandomCrop({ size: 5 }).apply(img), () => assert.fail()), /Required crop size \(5, 5\) is larger than input image size \(4, 4\)/);
    const padded = T.runSync(new T.RandomCrop({ size: [4, 6], pad_if_needed: true, fill: 7 }).apply(img), () => assert.fail()) as T.RawImage;
    assert.deepEqual([padded.height, padded.width, padded.data[0]], [4, 6, 7]);
  });

  for (const ref of reference.cases) {
    const label = `${ref.kind}.get_params on ${ref.height}x${ref.width}: the same distribution as torchvision's (torch RNG, ${ref.n} samples)`;
    it(label, () => {
      const rng = mulberry32(12345);
      const n = ref.n;
      const sample = (): Box =>
        ref.kind === 'RandomCrop' ? T.randomCropParams(rng, ref.height, ref.width, ref.size![0], ref.size![1]) : T.randomResizedCropParams(rng, ref.height, ref.width, ref.scale!, ref.ratio!);
      const samples = Array.from({ length: n }, sample);
      assertSameDistribution(summary(samples, ref.height, ref.width), ref, n);
      if (ref.fallback) {
        const fb = samples.filter((s) => s.join() === ref.fallback!.join()).length / n;
        const p = ref.fallback_fraction as number;
        assert.ok(Math.abs(fb - p) <= 4.5 * Math.sqrt((2 * Math.max(p, 1e-3) * (1 - p)) / n), `fallback box fraction ${fb} vs torchvision ${p}`);
        const deciles = Array.from({ length: 10 }, (_, k) => samples.filter((s) => (s[2] * s[3]) / (ref.height * ref.width) > k / 10 && (s[2] * s[3]) / (ref.height * ref.width) <= (k + 1) / 10).length / n);
        const tv = deciles.reduce((a, d, k) => a + Math.abs(d - (ref.area_deciles as number[])[k]), 0) / 2;
        assert.ok(tv < 0.02, `area histogram total variation ${tv} from torchvision's`);
      }
      if (ref.i_counts) {
        const counts = (ref.i_counts as number[]).map((_, v) => samples.filter((s) => s[0] === v).length / n);
        counts.forEach((c, v) => assert.ok(Math.abs(c - (ref.i_counts as number[])[v]) < 0.02, `P(top = ${v}) ${c} vs ${(ref.i_counts as number[])[v]}`));
      }
    });
  }

  it('the distribution check has power: a uniform (not log-uniform) aspect ratio fails it', () => {
    const ref = reference.cases[0];
    const rng = mulberry32(1);
    const wrong = (): Box => {
      for (let a = 0; a < 10; a++) {
        const area = ref.height * ref.width * (0.08 + rng() * 0.92);
        const r = 0.75 + rng() * (4 / 3 - 0.75);
        const w = T.pyRound(Math.sqrt(area * r));
        const h = T.pyRound(Math.sqrt(area / r));
        if (w <= ref.width && h <= ref.height) return [Math.floor(rng() * (ref.height - h + 1)), Math.floor(rng() * (ref.width - w + 1)), h, w];
      }
      return [0, 0, ref.height, ref.width];
    };
    const samples = Array.from({ length: ref.n }, wrong);
    assert.throws(() => assertSameDistribution(summary(samples, ref.height, ref.width), ref, ref.n), /RandomResizedCrop 100x100: mean (w|h|log_ratio) .* vs torchvision/);
  });

  it('RandomResizedCrop falls back to the centre crop after 10 failed attempts', () => {
    // A 1x50 strip with scale ≥ 0.5: every attempt has h = round(sqrt(area / r)) ≥ round(sqrt(25 · 3/4)) = 4 > 1,
    // so the box is the fallback h = 1, w = round(1 · 4/3) = 1, at ((1 - 1) // 2, (50 - 1) // 2).
    const rng = mulberry32(0);
    const boxes = Array.from({ length: 20 }, () => T.randomResizedCropParams(rng, 1, 50, [0.5, 1], [3 / 4, 4 / 3]));
    boxes.forEach((b) => assert.deepEqual(b, [0, 24, 1, 1]));
  });

  it('RandomHorizontalFlip flips with probability p, reproducibly', () => {
    const img: T.RawImage = { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), width: 3, height: 1, channels: 2 };
    const t = new T.RandomHorizontalFlip({ p: 0.3, seed: 7 });
    const outs = Array.from({ length: 4000 }, () => (T.runSync(t.apply(img), () => assert.fail()) as T.RawImage).data[0]);
    const flipped = outs.filter((v) => v === 5).length / outs.length;
    assert.ok(Math.abs(flipped - 0.3) < 0.03, `flip rate ${flipped}`);
    assert.deepEqual([...T.hflipImage(img).data], [5, 6, 3, 4, 1, 2]); // pixels reversed, channels kept
    const again = new T.RandomHorizontalFlip({ p: 0.3, seed: 7 });
    assert.deepEqual(Array.from({ length: 4000 }, () => (T.runSync(again.apply(img), () => assert.fail()) as T.RawImage).data[0]), outs);
    assert.throws(() => new T.RandomHorizontalFlip({ p: 1.5 }), /Expected a probability between 0 and 1 for RandomHorizontalFlip\(\{p\}\) but received 1.5/);
  });

  it('ToTensor and Normalize: CHW floats in 0..1, then (x - mean) / std per channel', () => {
    const img: T.RawImage = { data: Uint8Array.from([0, 255, 51, 102, 204, 153]), width: 2, height: 1, channels: 3 };
    const x = T.runSync(new T.Compose([new T.ToTensor(), new T.Normalize({ mean: [0, 0.5, 0.2], std: [1, 0.5, 0.1] })]).apply(img), () => assert.fail()) as Tensor;
    assert.deepEqual(x.shape, [3, 1, 2]);
    const v = x.toArray() as number[];
    const expected = [0, 102 / 255, (255 / 255 - 0.5) / 0.5, (204 / 255 - 0.5) / 0.5, (51 / 255 - 0.2) / 0.1, (153 / 255 - 0.2) / 0.1];
    v.forEach((a, k) => assert.ok(Math.abs(a - expected[k]) < 1e-5, `${k}: ${a} vs ${expected[k]}`));
    assert.throws(() => new T.Normalize({ mean: [0], std: [0] }), /std \[0\] has a zero/);
    assert.throws(() => T.runSync(new T.Normalize({ mean: [0], std: [1] }).apply(img), () => assert.fail()), /Normalize works on tensors; put ToTensor before it/);
    assert.throws(() => T.runSync(new T.Normalize({ mean: [0, 0], std: [1, 1] }).apply(x), () => assert.fail()), /mean has 2 values but the image has 3 channels/);
  });

  it("builds SG's YAML list of single-key mappings, with clear errors", () => {
    const c = T.buildTransforms([{ RandomResizedCrop: { size: 8, scale: [0.5, 1] } }, { RandomHorizontalFlip: { p: 0.25 } }, 'ToTensor', { Normalize: { mean: [0.5], std: [0.25] } }]);
    assert.deepEqual(
      c.transforms.map((t) => t.constructor.name),
      ['RandomResizedCrop', 'RandomHorizontalFlip', 'ToTensor', 'Normalize'],
    );
    assert.deepEqual((c.transforms[0] as T.RandomResizedCrop).scale, [0.5, 1]);
    assert.equal((c.transforms[1] as T.RandomHorizontalFlip).p, 0.25);
    assert.throws(() => T.buildTransforms([{ RandomFlipp: {} }]), /unknown transform 'RandomFlipp'/);
    assert.throws(() => T.buildTransforms([{ RandomCrop: { size: 4, pading: 2 } }]), /transforms\[0\]: Unknown option 'pading' for RandomCrop; allowed: size, padding, pad_if_needed, fill, padding_mode, seed/);
    assert.throws(() => T.buildTransforms([{ Resize: { size: 4 }, ToTensor: null }]), /Expected a transform name or a single-key mapping/);
    assert.throws(() => T.buildTransforms('ToTensor'), /Expected a list of transforms/);
  });

  it('Compose.reseed gives each random child its own stream, reproducibly', () => {
    const make = () => new T.Compose([new T.RandomHorizontalFlip(), new T.RandomHorizontalFlip()]);
    const a = make();
    a.reseed(5);
    const img: T.RawImage = { data: Uint8Array.from([1, 2]), width: 2, height: 1, channels: 1 };
    const draws = (c: T.Compose) => Array.from({ length: 64 }, () => (c.transforms as T.RandomHorizontalFlip[]).map((t) => (T.runSync(t.apply(img), () => assert.fail()) as T.RawImage).data[0]).join(''));
    const first = draws(a);
    const b = make();
    b.reseed(5);
    assert.deepEqual(draws(b), first);
    assert.ok(first.some((d) => d === '12') && first.some((d) => d === '21'), 'the two flips are not the same stream');
  });
});
