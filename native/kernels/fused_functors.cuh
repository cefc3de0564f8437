// Device functors of the fused CUDA steps for RMSpropTF, Lamb and Lion: thin loops over the
// shared per-element math (optimizer_math.h), so the CPU tests test this math too.
//
// Departures from the references (SuperGradients' Python classes): none in the per-element math.
// Lamb's reductions (the global gradient norm, each tensor's weight and update norms) are sums in
// double accumulated with atomicAdd across blocks, so their order, and hence the last bits of the
// clip factor and trust ratio, differ from ATen's (and vary from run to run); the update itself
// is then exact. RMSpropTF and Lion have no reductions and match element for element.
#pragma once

#include "kernels/multi_tensor_apply.cuh"
#include "kernels/optimizer_math.h"

namespace sgoptim {
namespace cuda {

template <typename T, bool kCentered, bool kMomentum>
struct RmspropTfFunctor {
  // buffers: p, g, square_avg, grad_avg (or square_avg), momentum_buffer (or square_avg)
  __device__ void operator()(TensorListMeta<5>& m, int t, int64_t begin, int64_t end, const math::RmspropTfScalars& s) const {
    T* p = static_cast<T*>(m.addresses[0][t]);
    T* g = static_cast<T*>(m.addresses[1][t]);
    T* sq = static_cast<T*>(m.addresses[2][t]);
    T* ga = static_cast<T*>(m.addresses[3][t]);
    T* buf = static_cast<T*>(m.addresses[4][t]);
    for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) {
      math::RmspropTfElement<T, kCentered, kMomentum>(p[i], g[i], sq[i], ga[i], buf[i], s);
    }
  }
};

template <typename T>
struct LionFunctor {
  // buffers: p, g, exp_avg
  __device__ void operator()(TensorListMeta<3>& m, int t, int64_t begin, int64_t end, const math::LionScalars& s) const {
    T* p = static_cast<T*>(m.addresses[0][t]);
    T* g = static_cast<T*>(m.addresses[1][t]);
    T* e = static_cast<T*>(m.addresses[2][t]);
    for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) math::LionElement(p[i], g[i], e[i], s);
  }
};

// Per-tensor sums of squares, accumulated with atomics into `out[tensor_index]` (double).
template <typename T>
struct SumOfSquaresFunctor {
  __device__ void operator()(TensorListMeta<1>& m, int t, int64_t begin, int64_t end, double* out) const {
    const T* x = static_cast<const T*>(m.addresses[0][t]);
    double acc = 0;
    for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) acc += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    atomicAdd(out + m.tensor_index[t], acc);
  }
};

struct LambStage1Params {
  math::LambScalars s;  // per group; the launcher calls once per group
  float clip;
  double* weight_sq;  // per tensor (indexed by tensor_index)
  double* update_sq;
};

// Stage 1: scale the gradient by the clip factor (in place), update the moments, accumulate
// ||p||² and ||u||² per tensor.
template <typename T>
struct LambStage1Functor {
  // buffers: p, g, exp_avg, exp_avg_sq
  __device__ void operator()(TensorListMeta<4>& m, int t, int64_t begin, int64_t end, const LambStage1Params& q) const {
    T* p = static_cast<T*>(m.addresses[0][t]);
    T* g = static_cast<T*>(m.addresses[1][t]);
    T* ea = static_cast<T*>(m.addresses[2][t]);
    T* es = static_cast<T*>(m.addresses[3][t]);
    double w = 0, u2 = 0;
    for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) {
      T u = math::LambMomentsAndUpdate(p[i], g[i], ea[i], es[i], static_cast<T>(q.clip), q.s);
      w += static_cast<double>(p[i]) * p[i];
      u2 += static_cast<double>(u) * u;
    }
    atomicAdd(q.weight_sq + m.tensor_index[t], w);
    atomicAdd(q.update_sq + m.tensor_index[t], u2);
  }
};

struct LambStage2Params {
  math::LambScalars s;
  const double* trust;  // per tensor
};

// Stage 2: p ← p − lr·trust·u, u recomputed from the new moments.
template <typename T>
struct LambStage2Functor {
  __device__ void operator()(TensorListMeta<4>& m, int t, int64_t begin, int64_t end, const LambStage2Params& q) const {
    T* p = static_cast<T*>(m.addresses[0][t]);
    T* ea = static_cast<T*>(m.addresses[2][t]);
    T* es = static_cast<T*>(m.addresses[3][t]);
    const T trust = static_cast<T>(q.trust[m.tensor_index[t]]);
    for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) {
      math::LambApply(p[i], math::LambUpdateFromMoments(p[i], ea[i], es[i], q.s), trust, q.s);
    }
  }
};

}  // namespace cuda
}  // namespace sgoptim
