// RAdam (torch.optim.RAdam): options, state and reference step shaped like LibTorch's adam.h, and
// the state and per-step scalars every step path shares (the reference step and fused CPU loops in
// radam.cc). N-API-free.
//
// How it departs from torch.optim.RAdam: none numerically (capturable changes nothing on CPU).
#pragma once

#include <torch/optim/optimizer.h>

#include <tuple>

#include "kernels/optimizer_math.h"

namespace sgoptim {

struct RAdamOptions : public torch::optim::OptimizerCloneableOptions<RAdamOptions> {
  RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-3;
  typedef std::tuple<double, double> betas_t;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, weight_decay) = 0;
  TORCH_ARG(bool, decoupled_weight_decay) = false;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct RAdamParamState : public torch::optim::OptimizerCloneableParamState<RAdamParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, exp_avg);
  TORCH_ARG(at::Tensor, exp_avg_sq);
};

class RAdam : public torch::optim::Optimizer {
 public:
  RAdam(std::vector<torch::optim::OptimizerParamGroup> groups, RAdamOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace radam {

// The parameter's state, created (step 0, zero moments) on its first step.
RAdamParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// The scalars of the step numbered `step` (1 on the first): bias corrections, and whether and by
// how much the adaptive step is rectified (rho_t > 5).
math::RadamScalars Scalars(const RAdamOptions& o, int64_t step);

}  // namespace radam
}  // namespace sgoptim
