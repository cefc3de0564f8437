// Muon's reference step (ATen ops, line by line after torch.optim.Muon's single-tensor path in
// PyTorch 2.15) and its kind.
#include "optim/muon.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace muon {

MuonParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<MuonParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<MuonParamState>();
  fresh->momentum_buffer(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

// PyTorch runs the iteration in bfloat16, each operation computed in float32 and rounded to
// bfloat16 once (its CPU kernels accumulate in float32). LibTorch 1.13's bfloat16 kernels round
// differently, and the quintic iteration amplifies any difference, so the iteration is written
// out here in float32 with that one rounding after each operation: the same numbers on every
// LibTorch. The result holds bfloat16 values (in float32).
at::Tensor ZeropowerViaNewtonSchulz(const at::Tensor& grad, const MuonTriple& abc, int64_t steps, double eps) {
  const auto bf16 = [](const at::Tensor& t) { return t.to(at::kBFloat16).to(at::kFloat); };
  const double a = abc[0], b = abc[1], c = abc[2];
  at::Tensor x = grad.to(at::kBFloat16).to(at::kFloat);
  const bool tall = grad.size(0) > grad.size(1);
  if (tall) x = x.t();
  at::Tensor norm = bf16(bf16(x.norm()).clamp(eps));
  x = bf16(x.div(norm));
  for (int64_t i = 0; i < steps; ++i) {
    at::Tensor gram = bf16(at::mm(x, x.t()));
    at::Tensor gram_update = bf16(at::mm(gram, gram).mul(c).add(gram.mul(b)));
    x = bf16(at::mm(gram_update, x).add(x.mul(a)));
  }
  if (tall) x = x.t();
  return x;
}

double AdjustLr(double lr, const std::string& fn, int64_t a, int64_t b) {
  const double A = static_cast<double>(a), B = static_cast<double>(b);
  double ratio = 1.0;
  if (fn.empty() || fn == "original") {
    ratio = std::sqrt(std::max(1.0, A / B));
  } else if (fn == "match_rms_adamw") {
    ratio = 0.2 * std::sqrt(std::max(A, B));
  } else if (fn == "spectral_unclamped") {
    ratio = std::sqrt(A / B);
  }
  return lr * ratio;
}

}  // namespace muon

Muon::Muon(std::vector<OptimizerParamGroup> groups, MuonOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<MuonOptions>(defaults)) {}

at::Tensor Muon::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  // Checked before anything changes (PyTorch checks each parameter as it reaches it).
  for (auto& group : param_groups_) {
    for (auto& p : group.params()) {
      if (p.grad().defined() && p.grad().dim() != 2) TORCH_CHECK_VALUE(false, "Param gradient must be a 2D matrix");
    }
  }
  for (auto& group : param_groups_) {
    auto& o = static_cast<MuonOptions&>(group.options());
    TORCH_CHECK_VALUE(o.ns_steps() < 100, "Number of steps must be less than 100 for computational efficiency");
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const at::Tensor& grad = p.grad();
      at::Tensor& buf = muon::EnsureState(*this, p).momentum_buffer();
      buf.lerp_(grad, 1 - o.momentum());
      at::Tensor update = o.nesterov() ? grad.lerp(buf, o.momentum()) : buf;
      update = muon::ZeropowerViaNewtonSchulz(update, o.ns_coefficients(), o.ns_steps(), o.eps());
      const double adjusted_lr = muon::AdjustLr(o.lr(), o.adjust_lr_fn(), p.size(0), p.size(1));
      p.mul_(1 - o.lr() * o.weight_decay());
      p.add_(update, -adjusted_lr);
    }
  }
  return loss;
}

namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamState;

class MuonKind : public OptimizerKind {
 public:
  const char* name() const override { return "Muon"; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<MuonOptions>(r.number("lr"));
    o->weight_decay(r.number("weight_decay")).momentum(r.number("momentum")).nesterov(r.boolean("nesterov"));
    o->eps(r.number("eps"));
    // ns_coefficients [a, b, c], ns_steps and adjust_lr_fn: TypeScript has checked them; these
    // guards keep the raw binding from misreading them.
    Napi::Value abc = r.raw("ns_coefficients");
    if (!abc.IsArray() || abc.As<Napi::Array>().Length() != 3) {
      throw Napi::TypeError::New(r.env(), "Expected three numbers for " + r.path() + ".ns_coefficients");
    }
    MuonTriple t{};
    for (uint32_t i = 0; i < 3; ++i) {
      Napi::Value v = abc.As<Napi::Array>().Get(i);
      if (!v.IsNumber()) throw Napi::TypeError::New(r.env(), "Expected three numbers for " + r.path() + ".ns_coefficients");
      t[i] = v.As<Napi::Number>().DoubleValue();
    }
    o->ns_coefficients(t);
    const double steps = r.number("ns_steps");
    if (!(steps >= 0 && steps < 100) || steps != std::floor(steps)) {
      throw Napi::RangeError::New(r.env(), r.path() + ".ns_steps must be an integer from 0 to 99");
    }
    o->ns_steps(static_cast<int64_t>(steps));
    Napi::Value fn = r.raw("adjust_lr_fn");
    if (fn.IsString()) {
      o->adjust_lr_fn(fn.As<Napi::String>().Utf8Value());
    } else if (!fn.IsNull() && !fn.IsUndefined()) {
      throw Napi::TypeError::New(r.env(), "Expected a string or null for " + r.path() + ".adjust_lr_fn");
    }
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Muon>(std::move(groups), static_cast<const MuonOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<MuonOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const MuonParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    PutTensor(out, "momentum_buffer", st.momentum_buffer());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<MuonParamState>();
    st->momentum_buffer(ReadStateTensor(o, "momentum_buffer", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& MuonOptimizerKind() {
  static const MuonKind kind;
  return kind;
}

}  // namespace sgoptim
