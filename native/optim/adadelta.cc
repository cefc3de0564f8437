// Adadelta's reference step (ATen ops in torch.optim.Adadelta's for-loop order), its fused CPU
// step and its kind.
#include "optim/adadelta.h"

#include <ATen/ATen.h>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace adadelta {

AdadeltaParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<AdadeltaParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<AdadeltaParamState>();
  fresh->square_avg(ZerosLike(p));
  fresh->acc_delta(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

math::AdadeltaScalars Scalars(const AdadeltaOptions& o) { return {o.lr(), o.rho(), o.eps(), o.weight_decay()}; }

}  // namespace adadelta

Adadelta::Adadelta(std::vector<torch::optim::OptimizerParamGroup> groups, AdadeltaOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdadeltaOptions>(defaults)) {}

at::Tensor Adadelta::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    const math::AdadeltaScalars s = adadelta::Scalars(static_cast<AdadeltaOptions&>(group.options()));
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AdadeltaParamState& st = adadelta::EnsureState(*this, p);
      st.step(st.step() + 1);
      at::Tensor grad = p.grad();
      if (s.weight_decay != 0) grad = grad.add(p, s.weight_decay);
      st.square_avg().mul_(s.rho).addcmul_(grad, grad, 1 - s.rho);
      at::Tensor std = st.square_avg().add(s.eps).sqrt_();
      at::Tensor delta = st.acc_delta().add(s.eps).sqrt_();
      delta.div_(std).mul_(grad);
      st.acc_delta().mul_(s.rho).addcmul_(delta, delta, 1 - s.rho);
      p.add_(delta, -s.lr);
    }
  }
  return loss;
}

namespace {

using fused::AdadeltaJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<AdadeltaJob> jobs;
  for (auto& group : opt.param_groups()) {
    const math::AdadeltaScalars s = adadelta::Scalars(static_cast<AdadeltaOptions&>(group.options()));
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AdadeltaParamState& st = adadelta::EnsureState(opt, p);
      st.step(st.step() + 1);
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return AdadeltaJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.square_avg()), fused::Ptr<T>(st.acc_delta()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.adadelta; });
}

class AdadeltaKind : public OptimizerKind {
 public:
  const char* name() const override { return "Adadelta"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<AdadeltaOptions>(r.number("lr"));
    o->rho(r.number("rho")).eps(r.number("eps")).weight_decay(r.number("weight_decay"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Adadelta>(std::move(groups), static_cast<const AdadeltaOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<AdadeltaOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const AdadeltaParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "square_avg", st.square_avg());
    PutTensor(out, "acc_delta", st.acc_delta());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<AdadeltaParamState>();
    st->step(ReadStep(o, path));
    st->square_avg(ReadStateTensor(o, "square_avg", p, path, true));
    st->acc_delta(ReadStateTensor(o, "acc_delta", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& AdadeltaOptimizerKind() {
  static const AdadeltaKind kind;
  return kind;
}

}  // namespace sgoptim
