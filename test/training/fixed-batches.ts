import * as sg from '../../lib/tensor';

type Batch = [sg.Tensor, sg.Tensor];

/** `n` fixed batches of 4 samples, 3 features, 2 classes (re-iterable, with a length), drawn after manualSeed(seed). */
export function fixedBatches(n: number, seed = 3): { length: number; [Symbol.iterator](): Iterator<Batch> } {
  sg.manualSeed(seed);
  const list: Batch[] = Array.from({ length: n }, () => [sg.randn([4, 3]), sg.randint(0, 2, [4])] as Batch);
  return {
    length: list.length,
    *[Symbol.iterator]() {
      yield* list;
    },
  };
}
