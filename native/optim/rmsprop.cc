// RMSprop: torch::optim::RMSprop is the reference step; our fused CPU loops are the other path.
#include <torch/optim/rmsprop.h>

#include "kernels/optimizer_math.h"
#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;
using torch::optim::RMSpropOptions;
using torch::optim::RMSpropParamState;

template <typename T>
using RmspropJob = fused::RmsJob<T, math::RmspropScalars>;

// The parameter's state as torch.optim creates it (step 0, zero square_avg), with the momentum
// buffer and grad_avg added when momentum or centered is switched on.
RMSpropParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p, const RMSpropOptions& o) {
  auto* st = FindState<RMSpropParamState>(opt, p);
  if (st == nullptr) {
    auto fresh = std::make_unique<RMSpropParamState>();
    fresh->step(0);
    fresh->square_avg(ZerosLike(p));
    if (o.momentum() > 0) fresh->momentum_buffer(ZerosLike(p));
    if (o.centered()) fresh->grad_avg(ZerosLike(p));
    st = &InsertState(opt, p, std::move(fresh));
  }
  if (o.momentum() > 0 && !st->momentum_buffer().defined()) st->momentum_buffer(ZerosLike(p));
  if (o.centered() && !st->grad_avg().defined()) st->grad_avg(ZerosLike(p));
  return *st;
}

math::RmspropScalars Scalars(const RMSpropOptions& o) {
  return {o.lr(), o.alpha(), o.eps(), o.weight_decay(), o.momentum(), o.centered()};
}

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<RmspropJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<RMSpropOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      RMSpropParamState& st = EnsureState(opt, p, o);
      st.step(st.step() + 1);
      const math::RmspropScalars s = Scalars(o);
      const at::Tensor ga = o.centered() ? st.grad_avg() : at::Tensor();
      const at::Tensor mb = o.momentum() > 0 ? st.momentum_buffer() : at::Tensor();
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return RmspropJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.square_avg()), fused::Ptr<T>(ga), fused::Ptr<T>(mb), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.rmsprop; });
}

class RmspropKind : public OptimizerKind {
 public:
  const char* name() const override { return "RMSprop"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<RMSpropOptions>(r.number("lr"));
    o->alpha(r.number("alpha")).eps(r.number("eps")).weight_decay(r.number("weight_decay"));
    o->momentum(r.number("momentum")).centered(r.boolean("centered"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<torch::optim::RMSprop>(std::move(groups), static_cast<const RMSpropOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<RMSpropOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const RMSpropParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "square_avg", st.square_avg());
    PutTensor(out, "momentum_buffer", st.momentum_buffer());
    PutTensor(out, "grad_avg", st.grad_avg());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<RMSpropParamState>();
    st->step(ReadStep(o, path));
    st->square_avg(ReadStateTensor(o, "square_avg", p, path, true));
    st->momentum_buffer(ReadStateTensor(o, "momentum_buffer", p, path, false));
    st->grad_avg(ReadStateTensor(o, "grad_avg", p, path, false));
    return st;
  }
};

}  // namespace

const OptimizerKind& RmspropOptimizerKind() {
  static const RmspropKind kind;
  return kind;
}

}  // namespace sgoptim
