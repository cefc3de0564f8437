// apex's multi-tensor-apply design, written for sg-optim: many tensors' chunks are packed into one
// kernel launch (a block per chunk), so thousands of small tensors cost a few launches. No ATen
// here (raw pointers and a cudaStream_t), so a standalone nvcc build can compile-check it.
// Departures from apex: none in behaviour; chunks are fixed per launch and the functor receives
// [begin, end) of one tensor instead of apex's chunk index.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

namespace sgoptim {
namespace cuda {

constexpr int kMaxTensors = 36;
constexpr int kMaxBlocks = 320;
constexpr int kChunkSize = 65536;
constexpr int kThreads = 512;

template <int Depth>
struct TensorListMeta {
  void* addresses[Depth][kMaxTensors];
  int64_t sizes[kMaxTensors];
  int tensor_index[kMaxTensors];  // position of each packed tensor in the caller's list
  unsigned char block_to_tensor[kMaxBlocks];
  int block_to_chunk[kMaxBlocks];
};

template <int Depth, typename Functor, typename Params>
__global__ void MultiTensorApplyKernel(TensorListMeta<Depth> meta, Functor functor, Params params) {
  const int t = meta.block_to_tensor[blockIdx.x];
  const int chunk = meta.block_to_chunk[blockIdx.x];
  const int64_t begin = static_cast<int64_t>(chunk) * kChunkSize;
  const int64_t end = min(meta.sizes[t], begin + kChunkSize);
  functor(meta, t, begin, end, params);
}

// Launches `functor` over every chunk of every tensor. `lists[d][k]` is tensor k's d-th buffer
// (parameter, gradient, state...), `sizes[k]` its element count.
template <int Depth, typename Functor, typename Params>
void MultiTensorApply(const std::vector<std::vector<void*>>& lists, const std::vector<int64_t>& sizes, Functor functor, const Params& params, cudaStream_t stream) {
  TensorListMeta<Depth> meta;
  int tensors = 0, blocks = 0;
  for (size_t k = 0; k < sizes.size(); ++k) {
    if (sizes[k] == 0) continue;
    for (int d = 0; d < Depth; ++d) meta.addresses[d][tensors] = lists[d][k];
    meta.sizes[tensors] = sizes[k];
    meta.tensor_index[tensors] = static_cast<int>(k);
    ++tensors;
    const int chunks = static_cast<int>((sizes[k] + kChunkSize - 1) / kChunkSize);
    for (int c = 0; c < chunks; ++c) {
      meta.block_to_tensor[blocks] = static_cast<unsigned char>(tensors - 1);
      meta.block_to_chunk[blocks] = c;
      ++blocks;
      const bool last_chunk = c == chunks - 1;
      const bool full = blocks == kMaxBlocks || (last_chunk && tensors == kMaxTensors);
      if (full) {
        MultiTensorApplyKernel<Depth><<<blocks, kThreads, 0, stream>>>(meta, functor, params);
        blocks = 0;
        if (last_chunk) {
          tensors = 0;
        } else {
          // The current tensor continues in the next launch as its first entry.
          for (int d = 0; d < Depth; ++d) meta.addresses[d][0] = meta.addresses[d][tensors - 1];
          meta.sizes[0] = meta.sizes[tensors - 1];
          meta.tensor_index[0] = meta.tensor_index[tensors - 1];
          tensors = 1;
        }
      }
    }
  }
  if (blocks > 0) MultiTensorApplyKernel<Depth><<<blocks, kThreads, 0, stream>>>(meta, functor, params);
}

}  // namespace cuda
}  // namespace sgoptim
