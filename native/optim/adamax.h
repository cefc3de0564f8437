// Adamax (torch.optim.Adamax): options, state and reference step shaped like LibTorch's adam.h,
// and the state and scalars every step path shares (the reference step and fused CPU loops in
// adamax.cc). N-API-free.
//
// How it departs from torch.optim.Adamax: none numerically (capturable changes nothing on CPU).
#pragma once

#include <torch/optim/optimizer.h>

#include <tuple>

#include "kernels/optimizer_math.h"

namespace sgoptim {

struct AdamaxOptions : public torch::optim::OptimizerCloneableOptions<AdamaxOptions> {
  AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 2e-3;
  typedef std::tuple<double, double> betas_t;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, weight_decay) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct AdamaxParamState : public torch::optim::OptimizerCloneableParamState<AdamaxParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, exp_avg);
  TORCH_ARG(at::Tensor, exp_inf);
};

class Adamax : public torch::optim::Optimizer {
 public:
  Adamax(std::vector<torch::optim::OptimizerParamGroup> groups, AdamaxOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace adamax {

// The parameter's state, created (step 0, zero exp_avg and exp_inf) on its first step.
AdamaxParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// The scalars of the step numbered `step` (1 on the first): lr over the first moment's bias
// correction.
math::AdamaxScalars Scalars(const AdamaxOptions& o, int64_t step);

}  // namespace adamax
}  // namespace sgoptim
