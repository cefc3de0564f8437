// What the one optimizer wrapper needs to know per optimizer, answered by the optimizer itself:
// how to build it, how to read a group's options from JavaScript, how its per-parameter state
// looks from JavaScript, and which step paths it has besides its reference step. Each optimizer
// defines its kind in its own file (native/optim/<name>.cc); optimizer_kinds.cc lists them, one
// registration line each. No file chooses a path by an optimizer's name.
#pragma once

#include <napi.h>
#include <torch/optim/optimizer.h>

#include <memory>
#include <string>
#include <vector>

#include "common/errors.h"
#include "optim/option_reader.h"

namespace sgoptim {

// One step of every group on one path. A step function may assume its path's eligibility check
// passed (FusedEligible, CudaFusedEligible, LibTorchFusedEligible) and runs without grad mode.
using StepFunction = void (*)(torch::optim::Optimizer& optimizer);

class OptimizerKind {
 public:
  virtual ~OptimizerKind() = default;
  virtual const char* name() const = 0;
  // Whether `maximize` is honoured by negating gradients around the step (the torch.optim four).
  virtual bool supportsMaximize() const { return false; }
  // Whether PyTorch's state_dict keeps the per-parameter `step` as a tensor (the torch.optim four).
  virtual bool stepKeptAsTensor() const { return false; }
  // Whether param groups carry state of their own (Lamb's step): groupStateToJs/FromJs.
  virtual bool hasGroupState() const { return false; }

  // The step paths besides the reference step (optimizer.step()), null where there is none:
  // our fused CPU loops (contiguous CPU float32/float64), our multi-tensor CUDA kernels, and
  // LibTorch's own fused kernel on CUDA. Tried in this order; the reference step runs otherwise.
  virtual StepFunction fusedCpuStep() const { return nullptr; }
  virtual StepFunction fusedCudaStep() const { return nullptr; }
  virtual StepFunction libtorchFusedStep() const { return nullptr; }

  virtual std::unique_ptr<torch::optim::OptimizerOptions> readOptions(const OptionReader& r) const = 0;
  // Carries state that lives in the options (Lamb's group step) from `from` into `to`.
  virtual void carryOver(const torch::optim::OptimizerOptions& from, torch::optim::OptimizerOptions& to) const {}
  // Copies every option of `from` into `to`, both of this kind's options type (CopyOptionsAs).
  // The wrapper refreshes the optimizer's defaults with it: Lamb and Adagrad read them in step.
  virtual void copyOptions(const torch::optim::OptimizerOptions& from, torch::optim::OptimizerOptions& to) const = 0;
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

// copyOptions for options of type Options. Assigning through torch::optim::OptimizerOptions&
// would copy nothing (the base class has no fields): the assignment must name the concrete type.
template <typename Options>
void CopyOptionsAs(const torch::optim::OptimizerOptions& from, torch::optim::OptimizerOptions& to) {
  static_cast<Options&>(to) = static_cast<const Options&>(from);
}

// The registered kind named `name` ('SGD', 'Adam', 'AdamW', 'RMSprop', 'RMSpropTF', 'Lamb',
// 'Lion'), or null.
const OptimizerKind* FindOptimizerKind(const std::string& name);

// The binding table of the optim concept (registered by addon.cc): optimizerKinds().
const std::vector<FunctionEntry>& OptimizerEntries();

// ---- for the kinds' state conversion ---------------------------------------------------------
// Sets out[key] to a tensor handle when `t` is defined.
void PutTensor(Napi::Object& out, const char* key, const at::Tensor& t);
// A state tensor from JavaScript, checked against and laid out like its parameter (a copy);
// undefined when absent and not `required`.
at::Tensor ReadStateTensor(const Napi::Object& object, const char* key, const at::Tensor& param,
                           const std::string& path, bool required);
// A per-parameter `step` from JavaScript: absent means 0; else a non-negative integer up to 2^53.
int64_t ReadStep(const Napi::Object& object, const std::string& path);

}  // namespace sgoptim
