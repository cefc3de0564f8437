// Adagrad (torch.optim.Adagrad): options, state and reference step shaped like LibTorch's adam.h,
// and the state and scalars every step path shares (the reference step and fused CPU loops in
// adagrad.cc). N-API-free.
//
// How it departs from torch.optim.Adagrad: none numerically. As PyTorch's __init__, the
// constructor gives every parameter its state (step 0, `sum` filled with the optimizer's
// initial_accumulator_value); a parameter added later gets it at its first step, from the
// optimizer's defaults as PyTorch's _init_group reads them. Sparse gradients do not exist here.
#pragma once

#include <torch/optim/optimizer.h>

#include "kernels/optimizer_math.h"

namespace sgoptim {

struct AdagradOptions : public torch::optim::OptimizerCloneableOptions<AdagradOptions> {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-2;
  TORCH_ARG(double, lr_decay) = 0;
  TORCH_ARG(double, weight_decay) = 0;
  TORCH_ARG(double, initial_accumulator_value) = 0;
  TORCH_ARG(double, eps) = 1e-10;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct AdagradParamState : public torch::optim::OptimizerCloneableParamState<AdagradParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, sum);
};

class Adagrad : public torch::optim::Optimizer {
 public:
  Adagrad(std::vector<torch::optim::OptimizerParamGroup> groups, AdagradOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace adagrad {

// The parameter's state; created (step 0, sum = the defaults' initial_accumulator_value) when
// missing.
AdagradParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// The scalars of the step numbered `step` (1 on the first): the decayed learning rate.
math::AdagradScalars Scalars(const AdagradOptions& o, int64_t step);

}  // namespace adagrad
}  // namespace sgoptim
