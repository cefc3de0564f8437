/**
 * The bounds one load works within. They are far above anything torch.save writes (our own save
 * refuses nesting past 64 levels; a state dict of 100k tensors needs a stack of 200k items) and
 * keep a crafted file from costing more than a small multiple of its own size.
 */
import { PickleLimits } from './unpickler';

/** Containers nested deeper than this are refused (a crafted file can nest one level per byte). */
export const MAX_DEPTH = 100;

/** JS memory the pickle's values may take, charged as they are built (see VM.charge). */
export function limitsFor(pickleBytes: number): PickleLimits {
  return {
    maxStack: 1 << 22,
    maxMarks: 512,
    // What torch.save writes costs about 11× its pickle (test/serialize/limits.test.ts checks under
    // 16×); 32× leaves room, and stays a small multiple of the file.
    budgetBytes: (1 << 20) + 32 * pickleBytes,
  };
}
