#include "optim/optimizer_wrap.h"

#include <c10/core/GradMode.h>

#include <unordered_set>

#include "common/addon_data.h"
#include "common/args.h"
#include "common/errors.h"
#include "optim/fused_cpu.h"
#include "optim/fused_cuda.h"
#include "optim/libtorch_fused_adam.h"
#include "optim/optimizer_state.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {

namespace {

std::string GroupPath(size_t i) { return "param_groups[" + std::to_string(i) + "]"; }

// Negates the gradients of `maximize` groups around a step (torch.optim's maximize flips the
// gradient's sign before anything else; negation is exact).
// Maximize: for the step, each such parameter's gradient is replaced by a negated copy (as
// torch.optim computes -grad out of place) and put back afterwards. The caller's gradient tensors
// are never written, so one gradient shared by several parameters, or by a maximizing and a
// minimizing group, is seen unchanged by each of them.
class MaximizeScope {
 public:
  MaximizeScope(torch::optim::Optimizer& opt, const std::vector<bool>& maximize) {
    at::NoGradGuard no_grad;
    for (size_t g = 0; g < maximize.size() && g < opt.param_groups().size(); ++g) {
      if (!maximize[g]) continue;
      for (auto& p : opt.param_groups()[g].params()) {
        if (!p.grad().defined()) continue;
        saved_.emplace_back(p, p.grad());
        p.mutable_grad() = p.grad().neg();
      }
    }
  }
  ~MaximizeScope() {
    for (auto& [param, grad] : saved_) param.mutable_grad() = grad;
  }

 private:
  std::vector<std::pair<at::Tensor, at::Tensor>> saved_;
};

}  // namespace

Napi::Function OptimizerWrap::Init(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "NativeOptimizer",
                                    {
                                        InstanceMethod("step", &OptimizerWrap::Step),
                                        InstanceMethod("setGroups", &OptimizerWrap::SetGroups),
                                        InstanceMethod("getState", &OptimizerWrap::GetState),
                                        InstanceMethod("setStates", &OptimizerWrap::SetStates),
                                        InstanceMethod("getGroupState", &OptimizerWrap::GetGroupState),
                                        InstanceMethod("setGroupStates", &OptimizerWrap::SetGroupStates),
                                        InstanceMethod("zeroGrad", &OptimizerWrap::ZeroGrad),
                                    });
  GetAddonData(env).optimizer_constructor = Napi::Persistent(ctor);
  return ctor;
}

template <typename F>
Napi::Value OptimizerWrap::Run(const Napi::CallbackInfo& info, F&& body) {
  try {
    if (!optimizer_) throw Napi::Error::New(info.Env(), "NativeOptimizer is not initialised");
    return body();
  } catch (...) {
    RethrowAsJs(info.Env());
  }
}

std::vector<torch::optim::OptimizerParamGroup> OptimizerWrap::ReadGroups(const Napi::Value& value) const {
  Napi::Env env = value.Env();
  if (!value.IsArray()) throw Napi::TypeError::New(env, "Expected an array of param groups");
  Napi::Array arr = value.As<Napi::Array>();
  std::vector<torch::optim::OptimizerParamGroup> groups;
  std::unordered_set<c10::TensorImpl*> seen;
  for (uint32_t g = 0; g < arr.Length(); ++g) {
    std::string path = GroupPath(g);
    Napi::Value gv = arr.Get(g);
    if (!gv.IsObject()) throw Napi::TypeError::New(env, "Expected an object for " + path);
    Napi::Object group = gv.As<Napi::Object>();
    Napi::Value pv = group.Get("params");
    if (!pv.IsArray()) throw Napi::TypeError::New(env, "Expected an array of Tensors for " + path + ".params");
    Napi::Array params = pv.As<Napi::Array>();
    std::vector<at::Tensor> tensors;
    for (uint32_t k = 0; k < params.Length(); ++k) {
      std::string where = path + ".params[" + std::to_string(k) + "]";
      at::Tensor& t = TensorWrap::Get(params.Get(k), where.c_str());
      if (!t.is_floating_point()) {
        throw Napi::TypeError::New(env, "optimizer can only optimize Tensors of floating point dtype, but " + where +
                                            " has dtype " + DtypeName(t.scalar_type()));
      }
      if (!t.is_leaf()) throw Napi::Error::New(env, "can't optimize a non-leaf Tensor (" + where + ")");
      if (!seen.insert(t.unsafeGetTensorImpl()).second) {
        throw Napi::Error::New(env, "some parameters appear in more than one parameter group (" + where + ")");
      }
      tensors.push_back(t);
    }
    Napi::Value ov = group.Get("options");
    if (!ov.IsObject()) throw Napi::TypeError::New(env, "Expected an object for " + path + ".options");
    OptionReader reader(ov.As<Napi::Object>(), path);
    groups.emplace_back(std::move(tensors), kind_->readOptions(reader));
  }
  return groups;
}

OptimizerWrap::OptimizerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OptimizerWrap>(info) {
  Napi::Env env = info.Env();
  try {
    Args a(info);
    std::string name = a.string(0, "kind");
    kind_ = FindOptimizerKind(name);
    if (!kind_) throw Napi::RangeError::New(env, "unknown native optimizer kind '" + name + "'");
    auto groups = ReadGroups(info[1]);
    if (!info[2].IsObject()) a.typeError(2, "defaults", "an object");
    auto defaults = kind_->readOptions(OptionReader(info[2].As<Napi::Object>(), "defaults"));
    maximize_.assign(groups.size(), false);
    optimizer_ = kind_->create(std::move(groups), *defaults);
  } catch (...) {
    RethrowAsJs(env);
  }
}

Napi::Value OptimizerWrap::Step(const Napi::CallbackInfo& info) {
  return Run(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "Expected an array of group options");
    Napi::Array arr = info[0].As<Napi::Array>();
    auto& groups = optimizer_->param_groups();
    if (arr.Length() != groups.size()) {
      throw Napi::Error::New(env, "step() got " + std::to_string(arr.Length()) + " group option sets for " +
                                      std::to_string(groups.size()) + " param groups");
    }
    // Read and check everything first: an error leaves parameters and state untouched.
    std::vector<std::unique_ptr<torch::optim::OptimizerOptions>> fresh;
    std::vector<bool> maximize(groups.size(), false);
    bool reference = false;  // `fused: false` or `foreach: false` in any group selects the reference path
    for (uint32_t g = 0; g < arr.Length(); ++g) {
      Napi::Value gv = arr.Get(g);
      if (!gv.IsObject()) throw Napi::TypeError::New(env, "Expected an object for " + GroupPath(g));
      OptionReader reader(gv.As<Napi::Object>(), GroupPath(g));
      fresh.push_back(kind_->readOptions(reader));
      if (kind_->supportsMaximize() && reader.has("maximize")) maximize[g] = reader.boolean("maximize");
      if ((reader.has("fused") && !reader.boolean("fused")) || (reader.has("foreach") && !reader.boolean("foreach"))) reference = true;
    }
    std::unique_ptr<torch::optim::OptimizerOptions> defaults;
    if (info.Length() > 1 && info[1].IsObject()) {
      defaults = kind_->readOptions(OptionReader(info[1].As<Napi::Object>(), "defaults"));
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      kind_->carryOver(groups[g].options(), *fresh[g]);
      groups[g].set_options(std::move(fresh[g]));
    }
    // The defaults as JavaScript holds them now (a user may edit opt.defaults): Lamb clips against
    // their max_grad_norm and Adagrad starts new state from their initial_accumulator_value.
    if (defaults) kind_->copyOptions(*defaults, optimizer_->defaults());
    maximize_ = maximize;
    MaximizeScope flip(*optimizer_, maximize_);
    // The path taken is returned, so that tests can tell that each path really ran. The kind says
    // which paths it has; each path's eligibility check is the same for every kind.
    const char* path = nullptr;
    if (!reference) {
      at::NoGradGuard no_grad;
      StepFunction fused_cpu = kind_->fusedCpuStep();
      StepFunction libtorch_fused = kind_->libtorchFusedStep();
      if (fused_cpu && FusedEligible(*optimizer_)) {
        fused_cpu(*optimizer_);
        path = "fused-cpu";
#ifdef SG_WITH_CUDA
      } else if (StepFunction fused_cuda = kind_->fusedCudaStep(); fused_cuda && CudaFusedEligible(*optimizer_)) {
        fused_cuda(*optimizer_);
        path = "fused-cuda";
#endif
      } else if (libtorch_fused && LibTorchFusedEligible(*optimizer_)) {
        // LibTorch's own fused kernel (never eligible for CPU tensors).
        libtorch_fused(*optimizer_);
        path = "libtorch-fused";
      }
    }
    if (!path) {
      optimizer_->step();
      path = "reference";
    }
    return Napi::String::New(env, path);
  });
}

Napi::Value OptimizerWrap::SetGroups(const Napi::CallbackInfo& info) {
  return Run(info, [&]() -> Napi::Value {
    auto groups = ReadGroups(info[0]);
    auto& current = optimizer_->param_groups();
    // Group-level state (Lamb's step) follows the group's position.
    for (size_t g = 0; g < groups.size() && g < current.size(); ++g) {
      kind_->carryOver(current[g].options(), groups[g].options());
    }
    current.clear();
    for (auto& group : groups) current.push_back(group);
    maximize_.assign(current.size(), false);
    return info.Env().Undefined();
  });
}

Napi::Value OptimizerWrap::GetState(const Napi::CallbackInfo& info) {
  return Run(info, [&]() -> Napi::Value {
    at::Tensor& p = TensorWrap::Get(info[0], "param");
    auto it = optimizer_->state().find(StateKey(p));
    if (it == optimizer_->state().end()) return info.Env().Null();
    return kind_->stateToJs(info.Env(), *it->second);
  });
}

Napi::Value OptimizerWrap::SetStates(const Napi::CallbackInfo& info) {
  return Run(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "Expected an array of [param, state] pairs");
    Napi::Array arr = info[0].As<Napi::Array>();
    StateMap next;
    for (uint32_t k = 0; k < arr.Length(); ++k) {
      std::string path = "state[" + std::to_string(k) + "]";
      Napi::Value entry = arr.Get(k);
      if (!entry.IsArray() || entry.As<Napi::Array>().Length() != 2) {
        throw Napi::TypeError::New(env, "Expected a [param, state] pair for " + path);
      }
      Napi::Array pair = entry.As<Napi::Array>();
      at::Tensor& p = TensorWrap::Get(pair.Get(0u), (path + "[0]").c_str());
      Napi::Value sv = pair.Get(1u);
      if (!sv.IsObject()) throw Napi::TypeError::New(env, "Expected an object for " + path);
      next[StateKey(p)] = kind_->stateFromJs(sv.As<Napi::Object>(), p, path);
    }
    optimizer_->state() = std::move(next);
    return env.Undefined();
  });
}

Napi::Value OptimizerWrap::GetGroupState(const Napi::CallbackInfo& info) {
  return Run(info, [&]() -> Napi::Value {
    Args a(info);
    int64_t g = a.integer(0, "group");
    auto& groups = optimizer_->param_groups();
    if (g < 0 || g >= static_cast<int64_t>(groups.size())) throw Napi::RangeError::New(a.env(), "no param group " + std::to_string(g));
    return kind_->groupStateToJs(a.env(), groups[g].options());
  });
}

Napi::Value OptimizerWrap::SetGroupStates(const Napi::CallbackInfo& info) {
  return Run(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto& groups = optimizer_->param_groups();
    if (!info[0].IsArray() || info[0].As<Napi::Array>().Length() != groups.size()) {
      throw Napi::TypeError::New(env, "Expected one group state per param group");
    }
    Napi::Array arr = info[0].As<Napi::Array>();
    // Check all, then apply.
    std::vector<std::unique_ptr<torch::optim::OptimizerOptions>> copies;
    for (uint32_t g = 0; g < arr.Length(); ++g) {
      Napi::Value v = arr.Get(g);
      if (!v.IsObject()) throw Napi::TypeError::New(env, "Expected an object for " + GroupPath(g));
      auto copy = groups[g].options().clone();
      kind_->groupStateFromJs(OptionReader(v.As<Napi::Object>(), GroupPath(g)), *copy);
      copies.push_back(std::move(copy));
    }
    for (size_t g = 0; g < groups.size(); ++g) groups[g].set_options(std::move(copies[g]));
    return env.Undefined();
  });
}

Napi::Value OptimizerWrap::ZeroGrad(const Napi::CallbackInfo& info) {
  return Run(info, [&]() -> Napi::Value {
    bool set_to_none = info.Length() == 0 || !info[0].IsBoolean() || info[0].As<Napi::Boolean>().Value();
    for (auto& group : optimizer_->param_groups()) {
      for (auto& p : group.params()) {
        if (!p.grad().defined()) continue;
        if (set_to_none) {
          p.mutable_grad() = at::Tensor();
        } else {
          p.mutable_grad().detach_();
          p.mutable_grad().zero_();
        }
      }
    }
    return info.Env().Undefined();
  });
}

}  // namespace sgoptim
