// Rprop's reference step (ATen ops, line by line after torch.optim.Rprop's for-loop path in
// PyTorch 2.15, so float32 and float64 trajectories match it), its fused CPU step and its kind.
#include "optim/rprop.h"

#include <ATen/ATen.h>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace rprop {

RpropParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p, const RpropOptions& o) {
  auto* st = FindState<RpropParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<RpropParamState>();
  fresh->step(0);
  fresh->prev(ZerosLike(p));
  fresh->step_size(at::full_like(p, o.lr(), at::MemoryFormat::Preserve));
  return InsertState(opt, p, std::move(fresh));
}

math::RpropScalars Scalars(const RpropOptions& o) {
  return {std::get<0>(o.etas()), std::get<1>(o.etas()), std::get<0>(o.step_sizes()), std::get<1>(o.step_sizes())};
}

}  // namespace rprop

Rprop::Rprop(std::vector<OptimizerParamGroup> groups, RpropOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<RpropOptions>(defaults)) {}

at::Tensor Rprop::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<RpropOptions&>(group.options());
    const math::RpropScalars s = rprop::Scalars(o);
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      RpropParamState& state = rprop::EnsureState(*this, p, o);
      state.step(state.step() + 1);
      at::Tensor sign = p.grad().mul(state.prev()).sign();
      sign.masked_fill_(sign.gt(0), s.etaplus);
      sign.masked_fill_(sign.lt(0), s.etaminus);
      sign.masked_fill_(sign.eq(0), 1);
      state.step_size().mul_(sign).clamp_(s.step_size_min, s.step_size_max);
      at::Tensor grad = p.grad().clone(at::MemoryFormat::Preserve);
      grad.masked_fill_(sign.eq(s.etaminus), 0);
      p.addcmul_(grad.sign(), state.step_size(), -1);
      state.prev().copy_(grad);
    }
  }
  return loss;
}

namespace {

using fused::RpropJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<RpropJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<RpropOptions&>(group.options());
    const math::RpropScalars s = rprop::Scalars(o);
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      RpropParamState& st = rprop::EnsureState(opt, p, o);
      st.step(st.step() + 1);
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return RpropJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.prev()),
                           fused::Ptr<T>(st.step_size()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.rprop; });
}

class RpropKind : public OptimizerKind {
 public:
  const char* name() const override { return "Rprop"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<RpropOptions>(r.number("lr"));
    o->etas(r.pair("etas")).step_sizes(r.pair("step_sizes"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Rprop>(std::move(groups), static_cast<const RpropOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<RpropOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const RpropParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "prev", st.prev());
    PutTensor(out, "step_size", st.step_size());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<RpropParamState>();
    st->step(ReadStep(o, path));
    st->prev(ReadStateTensor(o, "prev", p, path, true));
    st->step_size(ReadStateTensor(o, "step_size", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& RpropOptimizerKind() {
  static const RpropKind kind;
  return kind;
}

}  // namespace sgoptim
