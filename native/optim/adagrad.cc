// Adagrad's reference step (ATen ops in torch.optim.Adagrad's for-loop order), its fused CPU step
// and its kind.
#include "optim/adagrad.h"

#include <ATen/ATen.h>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace adagrad {

AdagradParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<AdagradParamState>(opt, p);
  if (st != nullptr) return *st;
  const double init = static_cast<const AdagradOptions&>(opt.defaults()).initial_accumulator_value();
  auto fresh = std::make_unique<AdagradParamState>();
  fresh->sum(at::full_like(p, init, at::MemoryFormat::Preserve));
  return InsertState(opt, p, std::move(fresh));
}

math::AdagradScalars Scalars(const AdagradOptions& o, int64_t step) {
  return {o.lr() / (1 + static_cast<double>(step - 1) * o.lr_decay()), o.weight_decay(), o.eps()};
}

}  // namespace adagrad

Adagrad::Adagrad(std::vector<torch::optim::OptimizerParamGroup> groups, AdagradOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdagradOptions>(defaults)) {
  at::NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    for (auto& p : group.params()) adagrad::EnsureState(*this, p);
  }
}

at::Tensor Adagrad::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<AdagradOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AdagradParamState& st = adagrad::EnsureState(*this, p);
      st.step(st.step() + 1);
      const math::AdagradScalars s = adagrad::Scalars(o, st.step());
      at::Tensor grad = p.grad();
      if (s.weight_decay != 0) grad = grad.add(p, s.weight_decay);
      st.sum().addcmul_(grad, grad, 1);
      at::Tensor std = st.sum().sqrt().add_(s.eps);
      p.addcdiv_(grad, std, -s.clr);
    }
  }
  return loss;
}

namespace {

using fused::AdagradJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<AdagradJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<AdagradOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AdagradParamState& st = adagrad::EnsureState(opt, p);
      st.step(st.step() + 1);
      const math::AdagradScalars s = adagrad::Scalars(o, st.step());
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return AdagradJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.sum()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.adagrad; });
}

class AdagradKind : public OptimizerKind {
 public:
  const char* name() const override { return "Adagrad"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<AdagradOptions>(r.number("lr"));
    o->lr_decay(r.number("lr_decay")).weight_decay(r.number("weight_decay"));
    o->initial_accumulator_value(r.number("initial_accumulator_value")).eps(r.number("eps"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Adagrad>(std::move(groups), static_cast<const AdagradOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<AdagradOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const AdagradParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "sum", st.sum());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<AdagradParamState>();
    st->step(ReadStep(o, path));
    st->sum(ReadStateTensor(o, "sum", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& AdagradOptimizerKind() {
  static const AdagradKind kind;
  return kind;
}

}  // namespace sgoptim
