// What the one optimizer wrapper needs to know per optimizer: how to build it, how to read a
// group's options from JavaScript, and how its per-parameter state looks from JavaScript.
#pragma once

#include <napi.h>
#include <torch/optim/optimizer.h>

#include <memory>
#include <string>
#include <vector>

#include "optim/option_reader.h"

namespace sgoptim {

class OptimizerKind {
 public:
  virtual ~OptimizerKind() = default;
  virtual const char* name() const = 0;
  // Whether `maximize` is honoured by negating gradients around the step (the torch.optim four).
  virtual bool supportsMaximize() const { return false; }
  virtual std::unique_ptr<torch::optim::OptimizerOptions> readOptions(const OptionReader& r) const = 0;
  // Carries state that lives in the options (Lamb's group step) from `from` into `to`.
  virtual void carryOver(const torch::optim::OptimizerOptions& from, torch::optim::OptimizerOptions& to) const {}
  virtual std::unique_ptr<torch::optim::Optimizer> create(std::vector<torch::optim::OptimizerParamGroup> groups,
                                                          const torch::optim::OptimizerOptions& defaults) const = 0;
  // Per-parameter state as {name: Tensor | number}; names as PyTorch's state_dict.
  virtual Napi::Object stateToJs(Napi::Env env, const torch::optim::OptimizerParamState& state) const = 0;
  virtual std::unique_ptr<torch::optim::OptimizerParamState> stateFromJs(const Napi::Object& object,
                                                                          const at::Tensor& param,
                                                                          const std::string& path) const = 0;
  // Group-level state (Lamb's step) as {name: number}; empty for the others.
  virtual Napi::Object groupStateToJs(Napi::Env env, const torch::optim::OptimizerOptions& options) const {
    return Napi::Object::New(env);
  }
  virtual void groupStateFromJs(const OptionReader& r, torch::optim::OptimizerOptions& options) const {}
};

// The kind named `name` ('SGD', 'Adam', 'AdamW', 'RMSprop', 'RMSpropTF', 'Lamb', 'Lion'), or null.
const OptimizerKind* FindOptimizerKind(const std::string& name);

}  // namespace sgoptim
