import { native } from '../native';

/**
 * Runs `fn` with autograd recording switched off, like `with torch.no_grad():`.
 * The previous mode is restored even when `fn` throws. `fn` should be synchronous: the mode is
 * process-wide, so it is restored as soon as `fn` returns (a returned Promise is not awaited).
 *
 * @example
 * sg.noGrad(() => w.sub_(w.grad!.mul(0.1)));
 */
export function noGrad<T>(fn: () => T): T {
  const previous: boolean = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs `fn` with autograd recording switched on (inside a noGrad block, for example). */
export function enableGrad<T>(fn: () => T): T {
  const previous: boolean = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Whether autograd currently records operations. */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
