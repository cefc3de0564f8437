// sg-optim's own optimizers, shaped like LibTorch's adam.h (Options + ParamState + step) so the
// one N-API wrapper serves them like torch::optim's. Each is device-agnostic (ATen ops only).
//
// How they depart from their references (SuperGradients' Python classes; spec §6–§8):
//  RMSpropTF — none numerically: eps inside the sqrt, square_avg starts at ones, LR folded into the
//    momentum buffer (lr_in_momentum), decoupled decay p ← p − wd·p with no LR factor. The Python
//    integer `step` is kept per parameter (counted, never used in the math).
//  Lamb — global gradient clipping against the optimizer's *default* max_grad_norm, the global norm
//    accumulated in a float32 scalar even for float64 parameters, p.grad divided in place, trust ratio
//    only where weight_decay != 0 or always_adapt, the step counter per group: all as SuperGradients.
//    Departures (decisions.md): an empty first group works (SG raises IndexError) and
//    max_grad_norm = null disables clipping (SG crashes).
//  Lion — none.
#pragma once

#include <type_traits>
#include <utility>

#include <torch/optim/optimizer.h>

#include <tuple>

namespace sgoptim {

using torch::optim::OptimizerCloneableOptions;
using torch::optim::OptimizerCloneableParamState;
using torch::optim::OptimizerParamGroup;

struct RMSpropTFOptions : public OptimizerCloneableOptions<RMSpropTFOptions> {
  RMSpropTFOptions(double lr = 1e-2) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-2;
  TORCH_ARG(double, alpha) = 0.9;
  TORCH_ARG(double, eps) = 1e-10;
  TORCH_ARG(double, weight_decay) = 0;
  TORCH_ARG(double, momentum) = 0;
  TORCH_ARG(bool, centered) = false;
  TORCH_ARG(bool, decoupled_decay) = false;
  TORCH_ARG(bool, lr_in_momentum) = true;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct RMSpropTFParamState : public OptimizerCloneableParamState<RMSpropTFParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, square_avg);
  TORCH_ARG(at::Tensor, momentum_buffer) = {};
  TORCH_ARG(at::Tensor, grad_avg) = {};
};

class RMSpropTF : public torch::optim::Optimizer {
 public:
  RMSpropTF(std::vector<OptimizerParamGroup> groups, RMSpropTFOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

struct LambOptions : public OptimizerCloneableOptions<LambOptions> {
  LambOptions(double lr = 1e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(bool, bias_correction) = true;
  typedef std::tuple<double, double> betas_t;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORCH_ARG(double, eps) = 1e-6;
  TORCH_ARG(double, weight_decay) = 0.01;
  TORCH_ARG(bool, grad_averaging) = true;
  // Only the optimizer's defaults() value is used (SuperGradients reads self.defaults); <= 0 or
  // has_max_grad_norm false disables clipping.
  TORCH_ARG(double, max_grad_norm) = 1.0;
  TORCH_ARG(bool, has_max_grad_norm) = true;
  TORCH_ARG(bool, trust_clip) = false;
  TORCH_ARG(bool, always_adapt) = false;
  // The per-group step counter (SuperGradients keeps it in the param-group dict).
  TORCH_ARG(int64_t, step) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct LambParamState : public OptimizerCloneableParamState<LambParamState> {
  TORCH_ARG(at::Tensor, exp_avg);
  TORCH_ARG(at::Tensor, exp_avg_sq);
};

class Lamb : public torch::optim::Optimizer {
 public:
  Lamb(std::vector<OptimizerParamGroup> groups, LambOptions defaults = {});
  at::Tensor step(LossClosure closure = nullptr) override;
};

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

// LibTorch's per-parameter state map. Its key is the TensorImpl* printed as a string up to
// LibTorch 2.1 and the pointer itself from 2.2 on: taking the type from the map keeps both.
using StateMap = std::decay_t<decltype(std::declval<torch::optim::Optimizer&>().state())>;
using StateMapKey = StateMap::key_type;

// The key LibTorch uses for a parameter's state.
StateMapKey StateKey(const at::Tensor& param);

}  // namespace sgoptim
