// Lion's reference step (ATen ops, line by line after SuperGradients' Python class so float32 and
// float64 trajectories match it), its fused CPU step and its kind.
#include "optim/lion.h"

#include <ATen/ATen.h>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace lion {

LionParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<LionParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<LionParamState>();
  fresh->exp_avg(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

math::LionScalars Scalars(const LionOptions& o) {
  return {o.lr(), std::get<0>(o.betas()), std::get<1>(o.betas()), 1.0 - o.lr() * o.weight_decay()};
}

}  // namespace lion

Lion::Lion(std::vector<OptimizerParamGroup> groups, LionOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<LionOptions>(defaults)) {}

at::Tensor Lion::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<LionOptions&>(group.options());
    const math::LionScalars s = lion::Scalars(o);
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      p.mul_(s.decay_factor);
      const at::Tensor& grad = p.grad();
      LionParamState& state = lion::EnsureState(*this, p);
      at::Tensor& exp_avg = state.exp_avg();
      at::Tensor update = exp_avg * s.beta1 + grad * (1.0 - s.beta1);
      p.add_(at::sign(update), -s.lr);
      exp_avg.mul_(s.beta2).add_(grad, 1.0 - s.beta2);
    }
  }
  return loss;
}

namespace {

using fused::LionJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<LionJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<LionOptions&>(group.options());
    const math::LionScalars s = lion::Scalars(o);
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      LionParamState& st = lion::EnsureState(opt, p);
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return LionJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.exp_avg()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.lion; });
}

class LionKind : public OptimizerKind {
 public:
  const char* name() const override { return "Lion"; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
#ifdef SG_WITH_CUDA
  StepFunction fusedCudaStep() const override { return &lion::CudaStep; }
#endif
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<LionOptions>(r.number("lr"));
    o->betas(r.pair("betas")).weight_decay(r.number("weight_decay"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Lion>(std::move(groups), static_cast<const LionOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<LionOptions>(from, to); }
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

const OptimizerKind& LionOptimizerKind() {
  static const LionKind kind;
  return kind;
}

}  // namespace sgoptim
