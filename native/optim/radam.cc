// RAdam's reference step (ATen ops in torch.optim.RAdam's for-loop order), its fused CPU step and
// its kind.
#include "optim/radam.h"

#include <ATen/ATen.h>

#include <cmath>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace radam {

RAdamParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<RAdamParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<RAdamParamState>();
  fresh->exp_avg(ZerosLike(p));
  fresh->exp_avg_sq(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

math::RadamScalars Scalars(const RAdamOptions& o, int64_t step_count) {
  const double step = static_cast<double>(step_count);
  const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
  const double bias_correction1 = 1 - std::pow(beta1, step);
  const double bias_correction2 = 1 - std::pow(beta2, step);
  // The length of the approximated SMA, its maximum, and the rectification term (Python's order).
  const double rho_inf = 2 / (1 - beta2) - 1;
  const double rho_t = rho_inf - 2 * step * std::pow(beta2, step) / bias_correction2;
  const bool rectified = rho_t > 5.0;
  const double rect = rectified ? std::pow((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0.5) : 1.0;
  return {beta1,
          beta2,
          o.eps(),
          o.weight_decay(),
          o.lr(),
          bias_correction1,
          std::pow(bias_correction2, 0.5),
          rect,
          1 - o.lr() * o.weight_decay(),
          o.decoupled_weight_decay(),
          rectified};
}

}  // namespace radam

RAdam::RAdam(std::vector<torch::optim::OptimizerParamGroup> groups, RAdamOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<RAdamOptions>(defaults)) {}

at::Tensor RAdam::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<RAdamOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      RAdamParamState& st = radam::EnsureState(*this, p);
      st.step(st.step() + 1);
      const math::RadamScalars s = radam::Scalars(o, st.step());
      at::Tensor grad = p.grad();
      if (s.weight_decay != 0) {
        if (s.decoupled) p.mul_(s.decay_factor);
        else grad = grad.add(p, s.weight_decay);
      }
      st.exp_avg().lerp_(grad, 1 - s.beta1);
      st.exp_avg_sq().mul_(s.beta2).addcmul_(grad, grad, 1 - s.beta2);
      at::Tensor corrected = st.exp_avg() / s.bias_correction1;
      if (s.rectified) {
        // bias_correction2**0.5 / (sqrt + eps) is Tensor.__rtruediv__: reciprocal, then the product.
        at::Tensor adaptive = st.exp_avg_sq().sqrt().add_(s.eps).reciprocal() * s.bias_correction2_sqrt;
        p.add_(corrected * s.lr * adaptive * s.rect, -1.0);
      } else {
        p.add_(corrected * s.lr, -1.0);
      }
    }
  }
  return loss;
}

namespace {

using fused::RadamJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<RadamJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<RAdamOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      RAdamParamState& st = radam::EnsureState(opt, p);
      st.step(st.step() + 1);
      const math::RadamScalars s = radam::Scalars(o, st.step());
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return RadamJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.exp_avg()), fused::Ptr<T>(st.exp_avg_sq()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.radam; });
}

class RAdamKind : public OptimizerKind {
 public:
  const char* name() const override { return "RAdam"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<RAdamOptions>(r.number("lr"));
    o->betas(r.pair("betas")).eps(r.number("eps")).weight_decay(r.number("weight_decay"));
    o->decoupled_weight_decay(r.boolean("decoupled_weight_decay"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<RAdam>(std::move(groups), static_cast<const RAdamOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<RAdamOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const RAdamParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "exp_avg", st.exp_avg());
    PutTensor(out, "exp_avg_sq", st.exp_avg_sq());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<RAdamParamState>();
    st->step(ReadStep(o, path));
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    st->exp_avg_sq(ReadStateTensor(o, "exp_avg_sq", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& RAdamOptimizerKind() {
  static const RAdamKind kind;
  return kind;
}

}  // namespace sgoptim
