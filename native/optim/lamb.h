// Lamb (SuperGradients' Lamb, after apex/timm): options, state and reference step shaped like
// LibTorch's adam.h, and the state and scalars every step path shares (the reference step and
// fused CPU loops in lamb.cc, the CUDA kernels in fused_cuda.cu). N-API-free.
//
// How it departs from SuperGradients: nothing in the math. As SG: global gradient clipping against
// the optimizer's *default* max_grad_norm, the global norm accumulated in a float32 scalar even for
// float64 parameters, p.grad divided in place, trust ratio only where weight_decay != 0 or
// always_adapt, the step counter per group. Departures (decisions.md): an empty first group works
// (SG raises IndexError) and max_grad_norm = null disables clipping (SG crashes).
#pragma once

#include <torch/optim/optimizer.h>

#include <tuple>

#include "kernels/optimizer_math.h"

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

struct LambOptions : public OptimizerCloneableOptions<LambOptions> {
  LambOptions(double lr = 1e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(bool, bias_correction) = true;
  typedef std::tuple<double, double> betas_t;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORCH_ARG(double, eps) = 1e-6;
  TORCH_ARG(double, weight_decay) = 0.01;
  TORCH_ARG(bool, grad_averaging) = true;
  // Only the optimizer's defaults() value is used (SuperGradients reads self.defaults); <= 0 or
  // has_max_grad_norm false disables clipping.
  TORCH_ARG(double, max_grad_norm) = 1.0;
  TORCH_ARG(bool, has_max_grad_norm) = true;
  TORCH_ARG(bool, trust_clip) = false;
  TORCH_ARG(bool, always_adapt) = false;
  // The per-group step counter (SuperGradients keeps it in the param-group dict).
  TORCH_ARG(int64_t, step) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct LambParamState : public OptimizerCloneableParamState<LambParamState> {
  TORCH_ARG(at::Tensor, exp_avg);
  TORCH_ARG(at::Tensor, exp_avg_sq);
};

class Lamb : public torch::optim::Optimizer {
 public:
  Lamb(std::vector<OptimizerParamGroup> groups, LambOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace lamb {

// The parameter's state, created (zero moments) on its first step.
LambParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// A group's scalars at its step numbered `step` (1 on the first): betas, the gradient's weight
// (beta3) and the bias corrections.
math::LambScalars Scalars(const LambOptions& o, int64_t step);

// What every gradient is divided by, from the float32 sum of squares of all gradients: the global
// norm over the defaults' max_grad_norm where it exceeds it, else 1 (clipping off: 1). The fused
// paths use it; the reference step computes the same with ATen ops, as SuperGradients does.
float ClipFactor(const LambOptions& defaults, float global_sq);

#ifdef SG_WITH_CUDA
// One step of every group with our multi-tensor CUDA kernels (fused_cuda.cu).
void CudaStep(torch::optim::Optimizer& opt);
#endif

}  // namespace lamb
}  // namespace sgoptim
