// Adamax's reference step (ATen ops in torch.optim.Adamax's for-loop order), its fused CPU step
// and its kind.
#include "optim/adamax.h"

#include <ATen/ATen.h>

#include <cmath>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace adamax {

AdamaxParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<AdamaxParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<AdamaxParamState>();
  fresh->exp_avg(ZerosLike(p));
  fresh->exp_inf(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

math::AdamaxScalars Scalars(const AdamaxOptions& o, int64_t step) {
  const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
  const double bias_correction = 1 - std::pow(beta1, static_cast<double>(step));
  return {beta1, beta2, o.eps(), o.weight_decay(), o.lr() / bias_correction};
}

}  // namespace adamax

Adamax::Adamax(std::vector<torch::optim::OptimizerParamGroup> groups, AdamaxOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdamaxOptions>(defaults)) {}

at::Tensor Adamax::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<AdamaxOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AdamaxParamState& st = adamax::EnsureState(*this, p);
      st.step(st.step() + 1);
      const math::AdamaxScalars s = adamax::Scalars(o, st.step());
      at::Tensor grad = p.grad();
      if (s.weight_decay != 0) grad = grad.add(p, s.weight_decay);
      st.exp_avg().lerp_(grad, 1 - s.beta1);
      at::Tensor& exp_inf = st.exp_inf();
      at::maximum_out(exp_inf, exp_inf.mul_(s.beta2), grad.abs().add_(s.eps));
      p.addcdiv_(st.exp_avg(), exp_inf, -s.clr);
    }
  }
  return loss;
}

namespace {

using fused::AdamaxJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<AdamaxJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<AdamaxOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AdamaxParamState& st = adamax::EnsureState(opt, p);
      st.step(st.step() + 1);
      const math::AdamaxScalars s = adamax::Scalars(o, st.step());
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return AdamaxJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.exp_avg()), fused::Ptr<T>(st.exp_inf()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.adamax; });
}

class AdamaxKind : public OptimizerKind {
 public:
  const char* name() const override { return "Adamax"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<AdamaxOptions>(r.number("lr"));
    o->betas(r.pair("betas")).eps(r.number("eps")).weight_decay(r.number("weight_decay"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Adamax>(std::move(groups), static_cast<const AdamaxOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<AdamaxOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const AdamaxParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "exp_avg", st.exp_avg());
    PutTensor(out, "exp_inf", st.exp_inf());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<AdamaxParamState>();
    st->step(ReadStep(o, path));
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    st->exp_inf(ReadStateTensor(o, "exp_inf", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& AdamaxOptimizerKind() {
  static const AdamaxKind kind;
  return kind;
}

}  // namespace sgoptim
