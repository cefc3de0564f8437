// Rprop (torch.optim.Rprop, PyTorch 2.15): options, state and reference step shaped like
// LibTorch's adam.h, and the state and scalars every step path shares (the reference step and
// the fused CPU loops in rprop.cc). N-API-free.
//
// How it departs from torch.optim.Rprop: none (real parameters only, as all of sg-optim).
#pragma once

#include <torch/optim/optimizer.h>

#include <tuple>

#include "kernels/optimizer_math.h"

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

struct RpropOptions : public OptimizerCloneableOptions<RpropOptions> {
  RpropOptions(double lr = 1e-2) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-2;
  typedef std::tuple<double, double> pair_t;
  TORCH_ARG(pair_t, etas) = std::make_tuple(0.5, 1.2);
  TORCH_ARG(pair_t, step_sizes) = std::make_tuple(1e-6, 50.0);

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct RpropParamState : public OptimizerCloneableParamState<RpropParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, prev);
  TORCH_ARG(at::Tensor, step_size);
};

class Rprop : public torch::optim::Optimizer {
 public:
  Rprop(std::vector<OptimizerParamGroup> groups, RpropOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace rprop {

// The parameter's state, created on its first step: step 0, zero prev, step_size filled with lr.
RpropParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p, const RpropOptions& o);

// The group's scalars (the same at every step).
math::RpropScalars Scalars(const RpropOptions& o);

}  // namespace rprop
}  // namespace sgoptim
