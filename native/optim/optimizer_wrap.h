// The one N-API class that serves every optimizer: it holds a torch::optim::Optimizer (LibTorch's
// or ours) and knows nothing of names, defaults or documentation (those live in TypeScript).
// Param groups live in JavaScript: every step() receives the current option values of every
// group, checks them all, then applies them and steps.
#pragma once

#include <napi.h>
#include <torch/optim/optimizer.h>

#include <memory>
#include <vector>

#include "optim/optimizer_kinds.h"

namespace sgoptim {

class OptimizerWrap : public Napi::ObjectWrap<OptimizerWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit OptimizerWrap(const Napi::CallbackInfo& info);

 private:
  // new NativeOptimizer(kind, groups: [{params: Tensor[], options}], defaults)
  Napi::Value Step(const Napi::CallbackInfo& info);            // step(groupOptions[], defaults)
  Napi::Value SetGroups(const Napi::CallbackInfo& info);       // setGroups([{params, options}])
  Napi::Value GetState(const Napi::CallbackInfo& info);        // getState(param) -> object | null
  Napi::Value SetStates(const Napi::CallbackInfo& info);       // setStates([[param, object]...]) replaces all
  Napi::Value GetGroupState(const Napi::CallbackInfo& info);   // getGroupState(i) -> {step?}
  Napi::Value SetGroupStates(const Napi::CallbackInfo& info);  // setGroupStates([{step?}...])
  Napi::Value ZeroGrad(const Napi::CallbackInfo& info);        // zeroGrad(setToNone)

  std::vector<torch::optim::OptimizerParamGroup> ReadGroups(const Napi::Value& value) const;
  template <typename F>
  Napi::Value Run(const Napi::CallbackInfo& info, F&& body);

  const OptimizerKind* kind_ = nullptr;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::vector<bool> maximize_;
};

}  // namespace sgoptim
