/**
 * The strong-Wolfe line search of torch.optim.LBFGS (PyTorch 2.15's `_strong_wolfe` and
 * `_cubic_interpolate`), line by line. Scalars are doubles: for float64 parameters they are what
 * PyTorch's 0-dim tensors hold; for float32 ones PyTorch rounds some of them to float32, which
 * moves results by float32 rounding only.
 */
import { Tensor } from '../tensor/tensor';

/** Loss and flat gradient at x + t·d (the parameters are put back to x afterwards). */
export type DirectionalObjective = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

/** Minimum of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds. */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [xminBound, xmaxBound] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return pyMin(pyMax(minPos, xminBound), xmaxBound);
  }
  return (xminBound + xmaxBound) / 2.0;
}

/** Python's max(a, b) and min(a, b): the first unless the second is strictly larger (smaller). */
function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}
function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

export interface LineSearchOptions {
  tolerance_change: number;
  max_ls: number;
}

export interface LineSearchResult {
  f: number;
  g: Tensor;
  t: number;
  evals: number;
}

/** PyTorch's `_strong_wolfe(obj_func, x, t, d, f, g, gtd)` with c1 = 1e-4, c2 = 0.9. */
export function strongWolfe(obj: DirectionalObjective, x: Tensor[], t: number, d: Tensor, f: number, g: Tensor, gtdTensor: Tensor, options: LineSearchOptions): LineSearchResult {
  const c1 = 1e-4;
  const c2 = 0.9;
  const { tolerance_change: tolChange, max_ls: maxLs } = options;
  const gtd = Number(gtdTensor.item());
  const dNorm = Number(d.abs().max().item());
  g = g.clone();
  let [fNew, gNew] = obj(x, t, d);
  let evals = 1;
  let gtdNew = Number(gNew.matmul(d).item());
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    // Interpolate, between a step a little longer than the last and ten times it.
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = obj(x, t, d);
    evals += 1;
    gtdNew = Number(gNew.matmul(d).item());
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  }

  // Zoom: shrink the bracket until a point satisfies the strong Wolfe conditions.
  let insufProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < tolChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const bMax = pyMax(bracket[0], bracket[1]);
    const bMin = pyMin(bracket[0], bracket[1]);
    const eps = 0.1 * (bMax - bMin);
    if (pyMin(bMax - t, t - bMin) < eps) {
      // Close to a boundary: move away from it unless the last step made progress.
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = obj(x, t, d);
    evals += 1;
    gtdNew = Number(gNew.matmul(d).item());
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]) {
      bracket[high] = t;
      bracketF[high] = fNew;
      bracketG[high] = gNew.clone();
      bracketGtd[high] = gtdNew;
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        bracket[high] = bracket[low];
        bracketF[high] = bracketF[low];
        bracketG[high] = bracketG[low];
        bracketGtd[high] = bracketGtd[low];
      }
      bracket[low] = t;
      bracketF[low] = fNew;
      bracketG[low] = gNew.clone();
      bracketGtd[low] = gtdNew;
    }
  }
  return { f: bracketF[low], g: bracketG[low], t: bracket[low], evals };
}
