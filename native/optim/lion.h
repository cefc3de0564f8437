// Lion (SuperGradients' Lion, after lucidrains): options, state and reference step shaped like
// LibTorch's adam.h, and the state and scalars every step path shares (the reference step and
// fused CPU loops in lion.cc, the CUDA kernel in fused_cuda.cu). N-API-free.
//
// How it departs from SuperGradients: none.
#pragma once

#include <torch/optim/optimizer.h>

#include <tuple>

#include "kernels/optimizer_math.h"

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

struct LionOptions : public OptimizerCloneableOptions<LionOptions> {
  LionOptions(double lr = 1e-4) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-4;
  typedef std::tuple<double, double> betas_t;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.99);
  TORCH_ARG(double, weight_decay) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct LionParamState : public OptimizerCloneableParamState<LionParamState> {
  TORCH_ARG(at::Tensor, exp_avg);
};

class Lion : public torch::optim::Optimizer {
 public:
  Lion(std::vector<OptimizerParamGroup> groups, LionOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace lion {

// The parameter's state, created (zero exp_avg) on its first step.
LionParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// The group's scalars (the same at every step): the decay factor 1 − lr·wd.
math::LionScalars Scalars(const LionOptions& o);

#ifdef SG_WITH_CUDA
// One step of every group with our multi-tensor CUDA kernel (fused_cuda.cu).
void CudaStep(torch::optim::Optimizer& opt);
#endif

}  // namespace lion
}  // namespace sgoptim
