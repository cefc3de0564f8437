// Muon (torch.optim.Muon, PyTorch 2.15): options, state and reference step shaped like
// LibTorch's adam.h. N-API-free. Its update orthogonalises the momentum by Newton–Schulz
// iterations (matrix products in bfloat16, as PyTorch), so it has no element-wise fused loop.
//
// How it departs from torch.optim.Muon: none in the numbers (2-D real parameters only, as
// PyTorch); its bfloat16 Newton–Schulz iteration is computed in float32 with PyTorch's roundings.
#pragma once

#include <torch/optim/optimizer.h>

#include <array>
#include <string>

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

// Muon's ns_coefficients (a, b, c).
using MuonTriple = std::array<double, 3>;

struct MuonOptions : public OptimizerCloneableOptions<MuonOptions> {
  MuonOptions(double lr = 1e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(double, weight_decay) = 0.1;
  TORCH_ARG(double, momentum) = 0.95;
  TORCH_ARG(bool, nesterov) = true;
  TORCH_ARG(MuonTriple, ns_coefficients) = MuonTriple { 3.4445,
                                                        -4.7750,
                                                        2.0315 };
  TORCH_ARG(double, eps) = 1e-7;
  TORCH_ARG(int64_t, ns_steps) = 5;
  TORCH_ARG(std::string, adjust_lr_fn) = "";  // "" is PyTorch's None ("original")

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct MuonParamState : public OptimizerCloneableParamState<MuonParamState> {
  TORCH_ARG(at::Tensor, momentum_buffer);
};

class Muon : public torch::optim::Optimizer {
 public:
  Muon(std::vector<OptimizerParamGroup> groups, MuonOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

namespace muon {

// The parameter's state, created (zero momentum_buffer) on its first step.
MuonParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p);

// PyTorch's _zeropower_via_newtonschulz: the orthogonalised update (bfloat16 values, as float32).
at::Tensor ZeropowerViaNewtonSchulz(const at::Tensor& grad, const MuonTriple& abc, int64_t steps, double eps);

// PyTorch's _adjust_lr for a parameter of shape [a, b].
double AdjustLr(double lr, const std::string& fn, int64_t a, int64_t b);

}  // namespace muon
}  // namespace sgoptim
