// Adafactor's reference step (ATen ops, line by line after torch.optim.Adafactor's for-loop path
// in PyTorch 2.15, so float32 and float64 trajectories match it) and its kind.
#include "optim/adafactor.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/args.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace adafactor {

std::vector<int64_t> RowShape(at::IntArrayRef sizes) {
  std::vector<int64_t> shape(sizes.begin(), sizes.end());
  shape.back() = 1;
  return shape;
}

std::vector<int64_t> ColShape(at::IntArrayRef sizes) {
  std::vector<int64_t> shape(sizes.begin(), sizes.end());
  shape[shape.size() - 2] = 1;
  return shape;
}

AdafactorParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<AdafactorParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<AdafactorParamState>();
  fresh->step(0);
  if (p.dim() > 1) {
    fresh->row_var(at::zeros(RowShape(p.sizes()), p.options()));
    fresh->col_var(at::zeros(ColShape(p.sizes()), p.options()));
  } else {
    fresh->variance(ZerosLike(p));
  }
  return InsertState(opt, p, std::move(fresh));
}

}  // namespace adafactor

Adafactor::Adafactor(std::vector<OptimizerParamGroup> groups, AdafactorOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdafactorOptions>(defaults)) {}

at::Tensor Adafactor::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<AdafactorOptions&>(group.options());
    const double lr = o.lr();
    // PyTorch sets eps1 from the first parameter's dtype and keeps it for the rest of the group.
    bool has_eps1 = o.has_eps1();
    double eps1 = o.eps1();
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const at::Tensor& grad = p.grad();
      AdafactorParamState& state = adafactor::EnsureState(*this, p);
      if (!has_eps1) {
        eps1 = p.scalar_type() == at::kFloat ? std::numeric_limits<float>::epsilon() : std::numeric_limits<double>::epsilon();
        has_eps1 = true;
      }
      state.step(state.step() + 1);
      const double step = static_cast<double>(state.step());
      const double one_minus_beta2_t = std::pow(step, o.beta2_decay());
      const double rho_t = std::min(lr, 1 / std::pow(step, 0.5));
      const double rms = at::linalg_vector_norm(p, 2).item<double>() / std::pow(static_cast<double>(p.numel()), 0.5);
      const double alpha = std::max(o.eps2(), rms) * rho_t;
      if (o.weight_decay() != 0) p.mul_(1 - lr * o.weight_decay());
      at::Tensor var_estimate;
      if (grad.dim() > 1) {
        at::Tensor row_mean = at::linalg_vector_norm(grad, 2, at::IntArrayRef{-1}, true).square_().div_(grad.size(-1));
        state.row_var().lerp_(row_mean, one_minus_beta2_t);
        at::Tensor col_mean = at::linalg_vector_norm(grad, 2, at::IntArrayRef{-2}, true).square_().div_(grad.size(-2));
        state.col_var().lerp_(col_mean, one_minus_beta2_t);
        var_estimate = at::matmul(state.row_var(), state.col_var());
        var_estimate.div_(state.row_var().mean(-2, true).clamp_(eps1));
      } else {
        at::Tensor grad_squared = grad * grad;
        state.variance().lerp_(grad_squared, one_minus_beta2_t);
        var_estimate = state.variance().clone();
      }
      at::Tensor update = var_estimate.clamp_(eps1 * eps1).rsqrt_();
      update.mul_(grad);
      const double denom =
          std::max(1.0, at::linalg_vector_norm(update, 2).item<double>() / (std::pow(static_cast<double>(update.numel()), 0.5) * o.d()));
      p.add_(update, -alpha / denom);
    }
  }
  return loss;
}

namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamState;

// A state tensor of a given shape (row_var, col_var, variance), copied in the parameter's dtype
// and device as PyTorch's load_state_dict does.
at::Tensor ReadShaped(const Napi::Object& o, const char* key, const at::Tensor& p, at::IntArrayRef shape,
                      const std::string& path) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) throw Napi::Error::New(o.Env(), path + " is missing '" + key + "'");
  const std::string where = path + "." + key;
  at::Tensor& t = TensorWrap::Get(v, where.c_str());
  if (t.sizes() != shape) {
    throw Napi::RangeError::New(o.Env(), where + " has shape " + ShapeString(t.sizes()) + " but a parameter of shape " +
                                             ShapeString(p.sizes()) + " needs " + ShapeString(shape));
  }
  at::NoGradGuard no_grad;
  at::Tensor out = at::empty(shape, p.options().requires_grad(false));
  out.copy_(t);
  return out;
}

class AdafactorKind : public OptimizerKind {
 public:
  const char* name() const override { return "Adafactor"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<AdafactorOptions>(r.number("lr"));
    o->beta2_decay(r.number("beta2_decay")).d(r.number("d")).weight_decay(r.number("weight_decay"));
    // eps: [eps1 | null, eps2]; TypeScript has checked it, this guards the raw binding.
    Napi::Value eps = r.raw("eps");
    if (!eps.IsArray() || eps.As<Napi::Array>().Length() != 2) {
      throw Napi::TypeError::New(r.env(), "Expected [number | null, number] for " + r.path() + ".eps");
    }
    Napi::Array pair = eps.As<Napi::Array>();
    Napi::Value first = pair.Get(0u);
    Napi::Value second = pair.Get(1u);
    if (!(first.IsNull() || first.IsNumber()) || !second.IsNumber()) {
      throw Napi::TypeError::New(r.env(), "Expected [number | null, number] for " + r.path() + ".eps");
    }
    o->has_eps1(first.IsNumber());
    if (first.IsNumber()) o->eps1(first.As<Napi::Number>().DoubleValue());
    o->eps2(second.As<Napi::Number>().DoubleValue());
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Adafactor>(std::move(groups), static_cast<const AdafactorOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<AdafactorOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const AdafactorParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "row_var", st.row_var());
    PutTensor(out, "col_var", st.col_var());
    PutTensor(out, "variance", st.variance());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<AdafactorParamState>();
    st->step(ReadStep(o, path));
    if (p.dim() > 1) {
      st->row_var(ReadShaped(o, "row_var", p, adafactor::RowShape(p.sizes()), path));
      st->col_var(ReadShaped(o, "col_var", p, adafactor::ColShape(p.sizes()), path));
    } else {
      st->variance(ReadShaped(o, "variance", p, p.sizes(), path));
    }
    return st;
  }
};

}  // namespace

const OptimizerKind& AdafactorOptimizerKind() {
  static const AdafactorKind kind;
  return kind;
}

}  // namespace sgoptim
