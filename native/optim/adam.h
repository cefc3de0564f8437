// Adam and AdamW (torch::optim's options and state): the state and per-step scalars that every
// step path besides LibTorch's own reference step uses (our fused CPU loops in adam.cc, LibTorch's
// fused CUDA kernel in libtorch_fused_adam.cc).
#pragma once

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <memory>
#include <tuple>

#include "kernels/optimizer_math.h"
#include "optim/optimizer_state.h"

namespace sgoptim {

// torch::optim::AdamOptions with PyTorch 2.x's `decoupled_weight_decay` (true: AdamW's decay,
// p ← p·(1 − lr·wd) before the update, and no L2 term in the gradient). What Adam's kind reads;
// clone() keeps the flag (LibTorch clones a group's options when it adds the group).
struct AdamOptionsWithDecay : public torch::optim::AdamOptions {
  using torch::optim::AdamOptions::AdamOptions;
  bool decoupled_weight_decay = false;
  std::unique_ptr<torch::optim::OptimizerOptions> clone() const override { return std::make_unique<AdamOptionsWithDecay>(*this); }
};

// Whether a group's decay is decoupled: always for AdamW, for Adam where the group says so.
inline bool DecoupledDecay(const torch::optim::AdamWOptions&) { return true; }
inline bool DecoupledDecay(const torch::optim::AdamOptions& o) {
  auto* with = dynamic_cast<const AdamOptionsWithDecay*>(&o);
  return with != nullptr && with->decoupled_weight_decay;
}

// torch::optim::Adam (the reference step) for groups with decoupled_weight_decay too: their
// parameters are decayed first and stepped with weight_decay 0, which is torch.optim.Adam's
// decoupled branch (and LibTorch's AdamW) operation for operation.
class AdamWithDecoupledDecay : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  at::Tensor step(LossClosure closure = nullptr) override;
};

// The parameter's state as torch.optim creates it on its first step (step 0, zero moments), with
// max_exp_avg_sq added when amsgrad is on.
template <typename State>
State& EnsureAdamState(torch::optim::Optimizer& opt, const at::Tensor& p, bool amsgrad) {
  auto* st = FindState<State>(opt, p);
  if (st == nullptr) {
    auto fresh = std::make_unique<State>();
    fresh->step(0);
    fresh->exp_avg(ZerosLike(p));
    fresh->exp_avg_sq(ZerosLike(p));
    if (amsgrad) fresh->max_exp_avg_sq(ZerosLike(p));
    st = &InsertState(opt, p, std::move(fresh));
  }
  if (amsgrad && !st->max_exp_avg_sq().defined()) st->max_exp_avg_sq(ZerosLike(p));
  return *st;
}

// The scalars of the step numbered `step` (1 on the first): bias corrections folded into the step
// size; `decoupled` for AdamW's decay.
template <typename Options>
math::AdamScalars AdamScalars(const Options& o, int64_t step, bool decoupled) {
  const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
  const double bc1 = 1 - std::pow(beta1, step);
  const double bc2 = 1 - std::pow(beta2, step);
  return {beta1, beta2, o.eps(), o.weight_decay(), o.lr() / bc1, std::sqrt(bc2), 1 - o.lr() * o.weight_decay(), decoupled, o.amsgrad()};
}

}  // namespace sgoptim
