// RMSpropTF (SuperGradients' RMSpropTF, after timm): options, state and reference step shaped like
// LibTorch's adam.h, and the state and scalars every step path shares (the reference step and
// fused CPU loops in rmsprop_tf.cc, the CUDA kernels in fused_cuda.cu). N-API-free.
//
// How it departs from SuperGradients: none numerically: eps inside the sqrt, square_avg starts at
// ones, LR folded into the momentum buffer (lr_in_momentum), decoupled decay p ← p − wd·p with no
// LR factor. The Python integer `step` is kept per parameter (counted, never used in the math).
#pragma once

#include <torch/optim/optimizer.h>

#include "kernels/optimizer_math.h"

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

struct RMSpropTFOptions : public OptimizerCloneableOptions<RMSpropTFOptions> {
  RMSpropTFOptions(double lr = 1e-2) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-2;
  TORCH_ARG(double, alpha) = 0.9;
  TORCH_ARG(double, eps) = 1e-10;
  TORCH_ARG(double, weight_decay) = 0;
  TORCH_ARG(double, momentum) = 0;
  TORCH_ARG(bool, centered) = false;
  TORCH_ARG(bool, decoupled_decay) = false;
  TORCH_ARG(bool, lr_in_momentum) = true;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct RMSpropTFParamState : public OptimizerCloneableParamState<RMSpropTFParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, square_avg);
  TORCH_ARG(at::Tensor, momentum_buffer) = {};
  TORCH_ARG(at::Tensor, grad_avg) = {};
};

class RMSpropTF : public torch::optim::Optimizer {
 public:
  RMSpropTF(std::vector<OptimizerParamGroup> groups, RMSpropTFOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace rmsprop_tf {

// The parameter's state: created on its first step (square_avg at ones, zero buffers for momentum
// and centered); afterwards checked that momentum and centered were not switched on since (their
// buffers would be missing), with the same error on every path.
RMSpropTFParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p, const RMSpropTFOptions& o);

// The group's scalars (the same at every step).
math::RmspropTfScalars Scalars(const RMSpropTFOptions& o);

#ifdef SG_WITH_CUDA
// One step of every group with our multi-tensor CUDA kernel (fused_cuda.cu).
void CudaStep(torch::optim::Optimizer& opt);
#endif

}  // namespace rmsprop_tf
}  // namespace sgoptim
