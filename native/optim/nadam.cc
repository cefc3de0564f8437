// NAdam's reference step (ATen ops in torch.optim.NAdam's for-loop order), its fused CPU step and
// its kind.
#include "optim/nadam.h"

#include <ATen/ATen.h>

#include <cmath>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"
#include "common/args.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace nadam {

namespace {
at::Tensor ScalarState(double value) { return at::scalar_tensor(value, at::TensorOptions().dtype(at::kFloat)); }
}  // namespace

NAdamParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<NAdamParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<NAdamParamState>();
  fresh->mu_product(ScalarState(1.0));
  fresh->exp_avg(ZerosLike(p));
  fresh->exp_avg_sq(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

math::NadamScalars Advance(const NAdamOptions& o, NAdamParamState& st) {
  st.step(st.step() + 1);
  const double step = static_cast<double>(st.step());
  const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
  const double lr = o.lr();
  const double bias_correction2 = 1 - std::pow(beta2, step);
  const double mu = beta1 * (1.0 - 0.5 * std::pow(0.96, step * o.momentum_decay()));
  const double mu_next = beta1 * (1.0 - 0.5 * std::pow(0.96, (step + 1) * o.momentum_decay()));
  // In place on the float32 tensor, as PyTorch (`mu_product *= mu`): the product is rounded to
  // float32 at every step.
  st.mu_product().mul_(mu);
  const double mu_product = st.mu_product().item<double>();
  const double mu_product_next = mu_product * mu_next;
  return {beta1,
          beta2,
          o.eps(),
          o.weight_decay(),
          bias_correction2,
          -lr * (1.0 - mu) / (1.0 - mu_product),
          (-lr * mu_next) / (1.0 - mu_product_next),
          1 - lr * o.weight_decay(),
          o.decoupled_weight_decay()};
}

}  // namespace nadam

NAdam::NAdam(std::vector<torch::optim::OptimizerParamGroup> groups, NAdamOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<NAdamOptions>(defaults)) {}

at::Tensor NAdam::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<NAdamOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      NAdamParamState& st = nadam::EnsureState(*this, p);
      const math::NadamScalars s = nadam::Advance(o, st);
      at::Tensor grad = p.grad();
      if (s.weight_decay != 0) {
        if (s.decoupled) p.mul_(s.decay_factor);
        else grad = grad.add(p, s.weight_decay);
      }
      st.exp_avg().lerp_(grad, 1 - s.beta1);
      st.exp_avg_sq().mul_(s.beta2).addcmul_(grad, grad, 1 - s.beta2);
      at::Tensor denom = st.exp_avg_sq().div(s.bias_correction2).sqrt();
      denom.add_(s.eps);
      p.addcdiv_(grad, denom, s.grad_coef);
      p.addcdiv_(st.exp_avg(), denom, s.exp_avg_coef);
    }
  }
  return loss;
}

namespace {

using fused::NadamJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<NadamJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<NAdamOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      NAdamParamState& st = nadam::EnsureState(opt, p);
      const math::NadamScalars s = nadam::Advance(o, st);
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return NadamJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.exp_avg()), fused::Ptr<T>(st.exp_avg_sq()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.nadam; });
}

// mu_product from JavaScript: a number or a one-element tensor, kept as a float32 scalar tensor;
// 1 (a fresh product) when absent, as for a state saved before PyTorch kept it.
at::Tensor ReadMuProduct(const Napi::Object& object, const std::string& path) {
  Napi::Value v = object.Get("mu_product");
  if (v.IsUndefined() || v.IsNull()) return nadam::ScalarState(1.0);
  const std::string where = path + ".mu_product";
  if (v.IsNumber()) return nadam::ScalarState(v.As<Napi::Number>().DoubleValue());
  at::Tensor& t = TensorWrap::Get(v, where.c_str());
  if (t.numel() != 1) {
    throw Napi::RangeError::New(object.Env(), where + " must hold one number, got shape " + ShapeString(t.sizes()));
  }
  at::NoGradGuard no_grad;
  return t.detach().reshape({}).to(at::kCPU, at::kFloat, false, true);
}

class NAdamKind : public OptimizerKind {
 public:
  const char* name() const override { return "NAdam"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<NAdamOptions>(r.number("lr"));
    o->betas(r.pair("betas")).eps(r.number("eps")).weight_decay(r.number("weight_decay"));
    o->momentum_decay(r.number("momentum_decay")).decoupled_weight_decay(r.boolean("decoupled_weight_decay"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<NAdam>(std::move(groups), static_cast<const NAdamOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<NAdamOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const NAdamParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    // A copy: the caller's tensor must not change with the next step (PyTorch's state_dict
    // shares it, but JavaScript has no in-place view of a 0-dim tensor to expect that from).
    PutTensor(out, "mu_product", st.mu_product().clone());
    PutTensor(out, "exp_avg", st.exp_avg());
    PutTensor(out, "exp_avg_sq", st.exp_avg_sq());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<NAdamParamState>();
    st->step(ReadStep(o, path));
    st->mu_product(ReadMuProduct(o, path));
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    st->exp_avg_sq(ReadStateTensor(o, "exp_avg_sq", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& NAdamOptimizerKind() {
  static const NAdamKind kind;
  return kind;
}

}  // namespace sgoptim
