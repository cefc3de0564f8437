// LibTorch's per-parameter state map as every step path reaches it: the key of a parameter, and
// finding or inserting its state. N-API-free, so the CUDA steps (fused_cuda.cu) include it too.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <torch/optim/optimizer.h>

#include <memory>
#include <type_traits>
#include <utility>

namespace sgoptim {

// LibTorch's per-parameter state map. Its key is the TensorImpl* printed as a string up to
// LibTorch 2.1 and the pointer itself from 2.2 on: taking the type from the map keeps both.
using StateMap = std::decay_t<decltype(std::declval<torch::optim::Optimizer&>().state())>;
using StateMapKey = StateMap::key_type;

// The key LibTorch uses for a parameter's state.
StateMapKey StateKey(const at::Tensor& param);

// The parameter's state, or null when it has none yet.
template <typename State>
State* FindState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto it = opt.state().find(StateKey(p));
  return it == opt.state().end() ? nullptr : static_cast<State*>(it->second.get());
}

// Stores `fresh` as the parameter's state and returns it.
template <typename State>
State& InsertState(torch::optim::Optimizer& opt, const at::Tensor& p, std::unique_ptr<State> fresh) {
  State& ref = *fresh;
  opt.state()[StateKey(p)] = std::move(fresh);
  return ref;
}

// A reference step's closure, run with grad mode on (the step itself runs without).
inline at::Tensor RunClosure(const torch::optim::Optimizer::LossClosure& closure) {
  if (!closure) return {};
  at::AutoGradMode enable_grad(true);
  return closure();
}

// A zero state tensor in the parameter's layout.
inline at::Tensor ZerosLike(const at::Tensor& p) { return at::zeros_like(p, at::MemoryFormat::Preserve); }

}  // namespace sgoptim
