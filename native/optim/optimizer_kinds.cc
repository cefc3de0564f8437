#include "optim/optimizer_kinds.h"

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include "common/args.h"
#include "common/errors.h"
#include "optim/custom_optimizers.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

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

// ---- torch.optim ------------------------------------------------------------------------------
class SgdKind : public OptimizerKind {
 public:
  const char* name() const override { return "SGD"; }
  bool supportsMaximize() const override { return true; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<torch::optim::SGDOptions>(r.number("lr"));
    o->momentum(r.number("momentum")).dampening(r.number("dampening")).weight_decay(r.number("weight_decay"));
    o->nesterov(r.boolean("nesterov"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<torch::optim::SGD>(std::move(groups), static_cast<const torch::optim::SGDOptions&>(defaults));
  }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const torch::optim::SGDParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    PutTensor(out, "momentum_buffer", st.momentum_buffer());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<torch::optim::SGDParamState>();
    st->momentum_buffer(ReadStateTensor(o, "momentum_buffer", p, path, false));
    return st;
  }
};

// Adam and AdamW share options and state layout (AdamW only decays differently).
template <typename Options, typename State, typename Optim>
class AdamLikeKind : public OptimizerKind {
 public:
  explicit AdamLikeKind(const char* name) : name_(name) {}
  const char* name() const override { return name_; }
  bool supportsMaximize() const override { return true; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<Options>(r.number("lr"));
    o->betas(r.pair("betas")).eps(r.number("eps")).weight_decay(r.number("weight_decay")).amsgrad(r.boolean("amsgrad"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Optim>(std::move(groups), static_cast<const Options&>(defaults));
  }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const State&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "exp_avg", st.exp_avg());
    PutTensor(out, "exp_avg_sq", st.exp_avg_sq());
    PutTensor(out, "max_exp_avg_sq", st.max_exp_avg_sq());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<State>();
    st->step(ReadStep(o, path));
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    st->exp_avg_sq(ReadStateTensor(o, "exp_avg_sq", p, path, true));
    st->max_exp_avg_sq(ReadStateTensor(o, "max_exp_avg_sq", p, path, false));
    return st;
  }

 private:
  const char* name_;
};

using AdamKind = AdamLikeKind<torch::optim::AdamOptions, torch::optim::AdamParamState, torch::optim::Adam>;
using AdamWKind = AdamLikeKind<torch::optim::AdamWOptions, torch::optim::AdamWParamState, torch::optim::AdamW>;

class RmspropKind : public OptimizerKind {
 public:
  const char* name() const override { return "RMSprop"; }
  bool supportsMaximize() const override { return true; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<torch::optim::RMSpropOptions>(r.number("lr"));
    o->alpha(r.number("alpha")).eps(r.number("eps")).weight_decay(r.number("weight_decay"));
    o->momentum(r.number("momentum")).centered(r.boolean("centered"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<torch::optim::RMSprop>(std::move(groups), static_cast<const torch::optim::RMSpropOptions&>(defaults));
  }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const torch::optim::RMSpropParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "square_avg", st.square_avg());
    PutTensor(out, "momentum_buffer", st.momentum_buffer());
    PutTensor(out, "grad_avg", st.grad_avg());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<torch::optim::RMSpropParamState>();
    st->step(ReadStep(o, path));
    st->square_avg(ReadStateTensor(o, "square_avg", p, path, true));
    st->momentum_buffer(ReadStateTensor(o, "momentum_buffer", p, path, false));
    st->grad_avg(ReadStateTensor(o, "grad_avg", p, path, false));
    return st;
  }
};

// ---- ours -------------------------------------------------------------------------------------
class RmspropTfKind : public OptimizerKind {
 public:
  const char* name() const override { return "RMSpropTF"; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<RMSpropTFOptions>(r.number("lr"));
    o->alpha(r.number("alpha")).eps(r.number("eps")).weight_decay(r.number("weight_decay")).momentum(r.number("momentum"));
    // A group without these keys (an old state dict) means False, as SuperGradients' `in group` tests.
    o->centered(r.has("centered") && r.boolean("centered"));
    o->decoupled_decay(r.has("decoupled_decay") && r.boolean("decoupled_decay"));
    o->lr_in_momentum(r.has("lr_in_momentum") && r.boolean("lr_in_momentum"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<RMSpropTF>(std::move(groups), static_cast<const RMSpropTFOptions&>(defaults));
  }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const RMSpropTFParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "square_avg", st.square_avg());
    PutTensor(out, "momentum_buffer", st.momentum_buffer());
    PutTensor(out, "grad_avg", st.grad_avg());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<RMSpropTFParamState>();
    st->step(ReadStep(o, path));
    st->square_avg(ReadStateTensor(o, "square_avg", p, path, true));
    st->momentum_buffer(ReadStateTensor(o, "momentum_buffer", p, path, false));
    st->grad_avg(ReadStateTensor(o, "grad_avg", p, path, false));
    return st;
  }
};

class LambKind : public OptimizerKind {
 public:
  const char* name() const override { return "Lamb"; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<LambOptions>(r.number("lr"));
    o->bias_correction(r.boolean("bias_correction")).betas(r.pair("betas")).eps(r.number("eps"));
    o->weight_decay(r.number("weight_decay")).grad_averaging(r.boolean("grad_averaging"));
    bool present = false;
    double max_norm = r.numberOr("max_grad_norm", 0.0, &present);
    o->max_grad_norm(max_norm).has_max_grad_norm(present);
    o->trust_clip(r.boolean("trust_clip")).always_adapt(r.boolean("always_adapt"));
    return o;
  }
  void carryOver(const OptimizerOptions& from, OptimizerOptions& to) const override {
    static_cast<LambOptions&>(to).step(static_cast<const LambOptions&>(from).step());
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Lamb>(std::move(groups), static_cast<const LambOptions&>(defaults));
  }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const LambParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    PutTensor(out, "exp_avg", st.exp_avg());
    PutTensor(out, "exp_avg_sq", st.exp_avg_sq());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<LambParamState>();
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    st->exp_avg_sq(ReadStateTensor(o, "exp_avg_sq", p, path, true));
    return st;
  }
  Napi::Object groupStateToJs(Napi::Env env, const OptimizerOptions& options) const override {
    Napi::Object out = Napi::Object::New(env);
    int64_t step = static_cast<const LambOptions&>(options).step();
    if (step > 0) out.Set("step", Napi::Number::New(env, static_cast<double>(step)));
    return out;
  }
  void groupStateFromJs(const OptionReader& r, OptimizerOptions& options) const override {
    static_cast<LambOptions&>(options).step(r.has("step") ? static_cast<int64_t>(r.number("step")) : 0);
  }
};

class LionKind : public OptimizerKind {
 public:
  const char* name() const override { return "Lion"; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<LionOptions>(r.number("lr"));
    o->betas(r.pair("betas")).weight_decay(r.number("weight_decay"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Lion>(std::move(groups), static_cast<const LionOptions&>(defaults));
  }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const LionParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    PutTensor(out, "exp_avg", st.exp_avg());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<LionParamState>();
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind* FindOptimizerKind(const std::string& name) {
  static const SgdKind sgd;
  static const AdamKind adam("Adam");
  static const AdamWKind adamw("AdamW");
  static const RmspropKind rmsprop;
  static const RmspropTfKind rmsprop_tf;
  static const LambKind lamb;
  static const LionKind lion;
  for (const OptimizerKind* kind : std::initializer_list<const OptimizerKind*>{&sgd, &adam, &adamw, &rmsprop, &rmsprop_tf, &lamb, &lion}) {
    if (name == kind->name()) return kind;
  }
  return nullptr;
}

}  // namespace sgoptim
