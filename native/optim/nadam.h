// NAdam (torch.optim.NAdam): options, state and reference step shaped like LibTorch's adam.h, and
// the state and per-step scalars every step path shares (the reference step and fused CPU loops
// in nadam.cc). N-API-free.
//
// How it departs from torch.optim.NAdam: none in a run. `mu_product` is a float32 scalar tensor
// multiplied in place by μ_t each step, as PyTorch keeps it (its rounding is part of the
// trajectory). Loading a state dict keeps it float32; PyTorch's load_state_dict casts it to the
// parameter's dtype, so a float64 run resumed there drifts from its uninterrupted run (~1e-8).
#pragma once

#include <torch/optim/optimizer.h>

#include <tuple>

#include "kernels/optimizer_math.h"

namespace sgoptim {

struct NAdamOptions : public torch::optim::OptimizerCloneableOptions<NAdamOptions> {
  NAdamOptions(double lr = 2e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 2e-3;
  typedef std::tuple<double, double> betas_t;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, weight_decay) = 0;
  TORCH_ARG(double, momentum_decay) = 4e-3;
  TORCH_ARG(bool, decoupled_weight_decay) = false;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct NAdamParamState : public torch::optim::OptimizerCloneableParamState<NAdamParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, mu_product);  // float32, 0-dim, on the CPU (PyTorch's non-capturable layout)
  TORCH_ARG(at::Tensor, exp_avg);
  TORCH_ARG(at::Tensor, exp_avg_sq);
};

class NAdam : public torch::optim::Optimizer {
 public:
  NAdam(std::vector<torch::optim::OptimizerParamGroup> groups, NAdamOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace nadam {

// The parameter's state, created (step 0, mu_product 1, zero moments) on its first step.
NAdamParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// Advances the state's step and mu_product to this step and returns the step's scalars; both
// paths call it once per parameter and step.
math::NadamScalars Advance(const NAdamOptions& o, NAdamParamState& st);

}  // namespace nadam
}  // namespace sgoptim
