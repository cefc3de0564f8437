// The registry of optimizer kinds, and the state conversion helpers they share.
#include "optim/optimizer_kinds.h"

#include <ATen/core/grad_mode.h>  // at::NoGradGuard: ATen.h stopped including it in 2.x

#include "common/args.h"
#include "common/errors.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {

// ---- the registered optimizers: one line each -----------------------------------------------
// Each names the function, defined in the optimizer's own file (native/optim/<name>.cc), that
// returns its kind. Adding an optimizer adds one line here.
#define SG_OPTIMIZER_KINDS(X) \
  X(SgdOptimizerKind)         \
  X(AdamOptimizerKind)        \
  X(AdamWOptimizerKind)       \
  X(RmspropOptimizerKind)     \
  X(RmspropTfOptimizerKind)   \
  X(LambOptimizerKind)        \
  X(LionOptimizerKind)        \
  X(AdagradOptimizerKind)     \
  X(AdadeltaOptimizerKind)    \
  X(AdamaxOptimizerKind)      \
  X(NAdamOptimizerKind)       \
  X(RAdamOptimizerKind)       \
  X(AsgdOptimizerKind)        \
  X(RpropOptimizerKind)       \
  X(AdafactorOptimizerKind)   \
  X(MuonOptimizerKind)

#define SG_DECLARE_KIND(fn) const OptimizerKind& fn();
SG_OPTIMIZER_KINDS(SG_DECLARE_KIND)
#undef SG_DECLARE_KIND

namespace {

const std::vector<const OptimizerKind*>& Kinds() {
#define SG_KIND_ADDRESS(fn) &fn(),
  static const std::vector<const OptimizerKind*> kinds = {SG_OPTIMIZER_KINDS(SG_KIND_ADDRESS)};
#undef SG_KIND_ADDRESS
  return kinds;
}

// optimizerKinds(): every registered kind as {name, its flags, which step paths it has}, in
// registration order. The paths are this binary's (fusedCuda only in a CUDA build).
Napi::Value OptimizerKinds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, Kinds().size());
  uint32_t i = 0;
  for (const OptimizerKind* kind : Kinds()) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", Napi::String::New(env, kind->name()));
    o.Set("supportsMaximize", Napi::Boolean::New(env, kind->supportsMaximize()));
    o.Set("stepKeptAsTensor", Napi::Boolean::New(env, kind->stepKeptAsTensor()));
    o.Set("hasGroupState", Napi::Boolean::New(env, kind->hasGroupState()));
    o.Set("fusedCpu", Napi::Boolean::New(env, kind->fusedCpuStep() != nullptr));
    o.Set("fusedCuda", Napi::Boolean::New(env, kind->fusedCudaStep() != nullptr));
    o.Set("libtorchFused", Napi::Boolean::New(env, kind->libtorchFusedStep() != nullptr));
    out.Set(i++, o);
  }
  return out;
}

}  // namespace

const OptimizerKind* FindOptimizerKind(const std::string& name) {
  for (const OptimizerKind* kind : Kinds()) {
    if (name == kind->name()) return kind;
  }
  return nullptr;
}

const std::vector<FunctionEntry>& OptimizerEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("optimizerKinds", OptimizerKinds),
  };
  return entries;
}

// ---- state conversion helpers ----------------------------------------------------------------
void PutTensor(Napi::Object& out, const char* key, const at::Tensor& t) {
  if (t.defined()) out.Set(key, TensorWrap::New(out.Env(), t));
}

// A state tensor from JavaScript: same shape as the parameter, cast to its dtype and device and
// copied, as PyTorch's load_state_dict does. The copy takes the parameter's memory layout (as the
// state the optimizer creates itself does): the fused loops walk parameter and state element by
// element, so a channels-last buffer loaded for a contiguous weight would otherwise be misread.
at::Tensor ReadStateTensor(const Napi::Object& object, const char* key, const at::Tensor& param,
                           const std::string& path, bool required) {
  Napi::Value v = object.Get(key);
  if (v.IsUndefined() || v.IsNull()) {
    if (required) throw Napi::Error::New(object.Env(), path + " is missing '" + key + "'");
    return {};
  }
  std::string where = path + "." + key;
  at::Tensor& t = TensorWrap::Get(v, where.c_str());
  if (t.sizes() != param.sizes()) {
    throw Napi::RangeError::New(object.Env(), where + " has shape " + ShapeString(t.sizes()) +
                                                  " but its parameter has shape " + ShapeString(param.sizes()));
  }
  at::NoGradGuard no_grad;
  at::Tensor out = at::empty_like(param, param.options().requires_grad(false));
  out.copy_(t);
  return out;
}

int64_t ReadStep(const Napi::Object& object, const std::string& path) {
  Napi::Value v = object.Get("step");
  if (v.IsUndefined() || v.IsNull()) return 0;
  if (!v.IsNumber()) throw Napi::TypeError::New(object.Env(), "Expected a number for " + path + ".step");
  double step = v.As<Napi::Number>().DoubleValue();
  // Casting NaN, infinities or values beyond int64 is undefined behaviour: refuse them.
  if (!(step >= 0) || step > 9007199254740992.0 || step != static_cast<double>(static_cast<int64_t>(step))) {
    const std::string shown = FormatNumber(step);
    throw Napi::RangeError::New(object.Env(), path + ".step must be a non-negative integer up to 2^53, got " + shown);
  }
  return static_cast<int64_t>(step);
}

}  // namespace sgoptim
