// ASGD (torch.optim.ASGD, PyTorch 2.15): options, state and reference step shaped like LibTorch's
// adam.h, and the state and scalars every step path shares (the reference step and the fused
// CPU loops in asgd.cc). N-API-free.
//
// How it departs from torch.optim.ASGD: none in the math. PyTorch keeps eta and mu as 0-dim
// tensors of its scalar dtype (float32 under the default dtype); we keep their values rounded to
// float32 as it does, and give them back as 0-dim float32 tensors in the state dict.
#pragma once

#include <torch/optim/optimizer.h>

#include "kernels/optimizer_math.h"

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

struct AsgdOptions : public OptimizerCloneableOptions<AsgdOptions> {
  AsgdOptions(double lr = 1e-2) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-2;
  TORCH_ARG(double, lambd) = 1e-4;
  TORCH_ARG(double, alpha) = 0.75;
  TORCH_ARG(double, t0) = 1e6;
  TORCH_ARG(double, weight_decay) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct AsgdParamState : public OptimizerCloneableParamState<AsgdParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(double, eta) = 0;  // a float32 value, as PyTorch's 0-dim state tensor
  TORCH_ARG(double, mu) = 1;   // likewise
  TORCH_ARG(at::Tensor, ax);
};

class Asgd : public torch::optim::Optimizer {
 public:
  Asgd(std::vector<OptimizerParamGroup> groups, AsgdOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace asgd {

// The parameter's state, created on its first step (step 0, eta = lr, mu = 1, zero ax).
AsgdParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p, const AsgdOptions& o);

// The scalars of this step (from eta and mu as they were before it).
math::AsgdScalars Scalars(const AsgdOptions& o, const AsgdParamState& st);

// After the update: step + 1, and eta and mu for the next step, as PyTorch computes them.
void Advance(const AsgdOptions& o, AsgdParamState& st);

}  // namespace asgd
}  // namespace sgoptim
