// Adam and AdamW (torch::optim's options and state): the state and per-step scalars that every
// step path besides LibTorch's own reference step uses (our fused CPU loops in adam.cc, LibTorch's
// fused CUDA kernel in libtorch_fused_adam.cc).
#pragma once

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <tuple>

#include "kernels/optimizer_math.h"
#include "optim/optimizer_state.h"

namespace sgoptim {

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
