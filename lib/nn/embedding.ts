import { empty } from '../tensor/creation';
import { embedding } from '../tensor/functional';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { normal_ } from './init';
import { positiveInt } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';

/** A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialised N(0, 1). */
export class Embedding extends Module {
  weight: Tensor;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: { padding_idx?: number | null } = {}) {
    super();
    positiveInt('Embedding(num_embeddings)', numEmbeddings);
    positiveInt('Embedding(embedding_dim)', embeddingDim);
    let pad = options.padding_idx ?? null;
    if (pad !== null) {
      if (pad < -numEmbeddings || pad >= numEmbeddings) throw new RangeError('Padding_idx must be within num_embeddings');
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = Parameter(empty([numEmbeddings, embeddingDim]));
    normal_(this.weight);
    if (pad !== null) noGrad(() => this.weight.select(0, pad as number).zero_());
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { padding_idx: this.paddingIdx });
  }
}
