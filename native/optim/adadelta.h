// Adadelta (torch.optim.Adadelta): options, state and reference step shaped like LibTorch's
// adam.h, and the state and scalars every step path shares (the reference step and fused CPU
// loops in adadelta.cc). N-API-free.
//
// How it departs from torch.optim.Adadelta: none numerically (capturable changes nothing on CPU).
#pragma once

#include <torch/optim/optimizer.h>

#include "kernels/optimizer_math.h"

namespace sgoptim {

struct AdadeltaOptions : public torch::optim::OptimizerCloneableOptions<AdadeltaOptions> {
  AdadeltaOptions(double lr = 1.0) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1.0;
  TORCH_ARG(double, rho) = 0.9;
  TORCH_ARG(double, eps) = 1e-6;
  TORCH_ARG(double, weight_decay) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct AdadeltaParamState : public torch::optim::OptimizerCloneableParamState<AdadeltaParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, square_avg);
  TORCH_ARG(at::Tensor, acc_delta);
};

class Adadelta : public torch::optim::Optimizer {
 public:
  Adadelta(std::vector<torch::optim::OptimizerParamGroup> groups, AdadeltaOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace adadelta {

// The parameter's state, created (step 0, zero square_avg and acc_delta) on its first step.
AdadeltaParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// The group's scalars (the same at every step).
math::AdadeltaScalars Scalars(const AdadeltaOptions& o);

}  // namespace adadelta
}  // namespace sgoptim
