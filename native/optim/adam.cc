// Adam and AdamW: torch::optim::Adam/AdamW are the reference step; our fused CPU loops, and on
// CUDA LibTorch's own fused kernel (libtorch_fused_adam.cc), are the other paths.
#include "optim/adam.h"

#include "optim/fused_cpu.h"
#include "optim/libtorch_fused_adam.h"
#include "optim/optimizer_kinds.h"

#include <type_traits>
#include <utility>
#include <vector>

namespace sgoptim {

at::Tensor AdamWithDecoupledDecay::step(LossClosure closure) {
  at::Tensor loss = RunClosure(closure);
  at::NoGradGuard no_grad;
  std::vector<std::pair<torch::optim::AdamOptions*, double>> decayed;  // groups whose weight_decay is lent out
  for (auto& group : param_groups_) {
    auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
    if (!DecoupledDecay(o) || o.weight_decay() == 0) continue;
    for (auto& p : group.params()) {
      if (p.grad().defined()) p.mul_(1 - o.lr() * o.weight_decay());
    }
    decayed.emplace_back(&o, o.weight_decay());
    o.weight_decay(0);
  }
  // Put the weight decays back even when the step throws.
  struct Restore {
    std::vector<std::pair<torch::optim::AdamOptions*, double>>& groups;
    ~Restore() {
      for (auto& [o, wd] : groups) o->weight_decay(wd);
    }
  } restore{decayed};
  torch::optim::Adam::step(nullptr);
  return loss;
}

namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

template <typename Options, typename State, bool kDecoupled>
void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<fused::AdamJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<Options&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      State& st = EnsureAdamState<State>(opt, p, o.amsgrad());
      st.step(st.step() + 1);
      const math::AdamScalars s = AdamScalars(o, st.step(), kDecoupled || DecoupledDecay(o));
      at::Tensor vmax = o.amsgrad() ? st.max_exp_avg_sq() : at::Tensor();
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return fused::AdamJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.exp_avg()), fused::Ptr<T>(st.exp_avg_sq()),
                                 fused::Ptr<T>(vmax), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.adam; });
}

// Adam and AdamW share options and state layout (AdamW only decays differently).
template <typename Options, typename State, typename Optim, bool kDecoupled>
class AdamLikeKind : public OptimizerKind {
 public:
  explicit AdamLikeKind(const char* name) : name_(name) {}
  const char* name() const override { return name_; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep<Options, State, kDecoupled>; }
  StepFunction libtorchFusedStep() const override { return kDecoupled ? &LibTorchFusedAdamWStep : &LibTorchFusedAdamStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<Options>(r.number("lr"));
    o->betas(r.pair("betas")).eps(r.number("eps")).weight_decay(r.number("weight_decay")).amsgrad(r.boolean("amsgrad"));
    if constexpr (std::is_same_v<Options, AdamOptionsWithDecay>) {
      if (r.has("decoupled_weight_decay")) o->decoupled_weight_decay = r.boolean("decoupled_weight_decay");
    }
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Optim>(std::move(groups), static_cast<const Options&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<Options>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const State&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "exp_avg", st.exp_avg());
    PutTensor(out, "exp_avg_sq", st.exp_avg_sq());
    PutTensor(out, "max_exp_avg_sq", st.max_exp_avg_sq());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<State>();
    st->step(ReadStep(o, path));
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    st->exp_avg_sq(ReadStateTensor(o, "exp_avg_sq", p, path, true));
    st->max_exp_avg_sq(ReadStateTensor(o, "max_exp_avg_sq", p, path, false));
    return st;
  }

 private:
  const char* name_;
};

}  // namespace

const OptimizerKind& AdamOptimizerKind() {
  static const AdamLikeKind<AdamOptionsWithDecay, torch::optim::AdamParamState, AdamWithDecoupledDecay, false> kind("Adam");
  return kind;
}

const OptimizerKind& AdamWOptimizerKind() {
  static const AdamLikeKind<torch::optim::AdamWOptions, torch::optim::AdamWParamState, torch::optim::AdamW, true> kind("AdamW");
  return kind;
}

}  // namespace sgoptim
