/** Parameter-free layers: activations, dropout, pooling, flatten, identity. */
import { adaptiveAvgPool2d, avgPool2d, dropout, maxPool2d, Pair, Pool2dOptions } from '../tensor/functional';
import { Tensor } from '../tensor/tensor';
import { Module } from './module';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class GELU extends Module {
  constructor(readonly options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.gelu({ approximate: this.options.approximate ?? 'none' });
  }
}

export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens dimensions start_dim..end_dim (default 1..-1: keep the batch). */
export class Flatten extends Module {
  constructor(readonly options: { start_dim?: number; end_dim?: number } = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.options.start_dim ?? 1, this.options.end_dim ?? -1);
  }
}

/** Zeroes elements with probability p in training mode; identity in eval mode. */
export class Dropout extends Module {
  readonly p: number;
  constructor(p: number | { p?: number } = 0.5) {
    super();
    this.p = typeof p === 'number' ? p : p.p ?? 0.5;
    if (!(this.p >= 0 && this.p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${this.p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }
}

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: Omit<Pool2dOptions, 'kernel_size' | 'count_include_pad'> = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, { kernel_size: this.kernelSize, ...this.options });
  }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: Omit<Pool2dOptions, 'kernel_size' | 'dilation'> = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, { kernel_size: this.kernelSize, ...this.options });
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
