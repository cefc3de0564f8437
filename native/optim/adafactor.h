// Adafactor (torch.optim.Adafactor, PyTorch 2.15): options, state and reference step shaped like
// LibTorch's adam.h. N-API-free. Its step has reductions at several points (the parameter's
// norm, the factored second moment, the update's RMS), so it has no element-wise fused loop.
//
// How it departs from torch.optim.Adafactor: none (real parameters only, as all of sg-optim).
#pragma once

#include <torch/optim/optimizer.h>

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

struct AdafactorOptions : public OptimizerCloneableOptions<AdafactorOptions> {
  AdafactorOptions(double lr = 1e-2) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-2;
  TORCH_ARG(double, beta2_decay) = -0.8;
  TORCH_ARG(bool, has_eps1) = false;  // eps[0] given; else the machine epsilon of the parameter's dtype
  TORCH_ARG(double, eps1) = 0;
  TORCH_ARG(double, eps2) = 1e-3;
  TORCH_ARG(double, d) = 1.0;
  TORCH_ARG(double, weight_decay) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

// row_var and col_var for a parameter of two or more dimensions (its shape with the last,
// respectively the second-to-last, size 1), variance (its shape) otherwise.
struct AdafactorParamState : public OptimizerCloneableParamState<AdafactorParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, row_var);
  TORCH_ARG(at::Tensor, col_var);
  TORCH_ARG(at::Tensor, variance);
};

class Adafactor : public torch::optim::Optimizer {
 public:
  Adafactor(std::vector<OptimizerParamGroup> groups, AdafactorOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace adafactor {

// The shapes of row_var and col_var for a parameter of shape `sizes` (two or more dimensions).
std::vector<int64_t> RowShape(at::IntArrayRef sizes);
std::vector<int64_t> ColShape(at::IntArrayRef sizes);

// The parameter's state, created on its first step.
AdafactorParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

}  // namespace adafactor
}  // namespace sgoptim
