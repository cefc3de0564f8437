// SGD: torch::optim::SGD is the reference step; our fused CPU loops are the other path.
#include <torch/optim/sgd.h>

#include "kernels/optimizer_math.h"
#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;
using torch::optim::SGDOptions;
using torch::optim::SGDParamState;

// The momentum buffer of `p` (undefined without momentum), created uninitialised on the first
// step, where the step copies d_p into it (`first` is then set), as torch.optim does.
at::Tensor EnsureMomentumBuffer(torch::optim::Optimizer& opt, const at::Tensor& p, const SGDOptions& o, bool& first) {
  first = false;
  if (o.momentum() == 0) return {};
  auto* st = FindState<SGDParamState>(opt, p);
  if (st == nullptr || !st->momentum_buffer().defined()) {
    auto fresh = std::make_unique<SGDParamState>();
    fresh->momentum_buffer(at::empty_like(p, at::MemoryFormat::Preserve));
    st = &InsertState(opt, p, std::move(fresh));
    first = true;
  }
  return st->momentum_buffer();
}

math::SgdScalars Scalars(const SGDOptions& o, bool first_step) {
  return {o.lr(), o.momentum(), o.dampening(), o.weight_decay(), o.nesterov(), first_step};
}

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<fused::SgdJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<SGDOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      bool first = false;
      at::Tensor buf = EnsureMomentumBuffer(opt, p, o, first);
      const math::SgdScalars s = Scalars(o, first);
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return fused::SgdJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(buf), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.sgd; });
}

class SgdKind : public OptimizerKind {
 public:
  const char* name() const override { return "SGD"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<SGDOptions>(r.number("lr"));
    o->momentum(r.number("momentum")).dampening(r.number("dampening")).weight_decay(r.number("weight_decay"));
    o->nesterov(r.boolean("nesterov"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<torch::optim::SGD>(std::move(groups), static_cast<const SGDOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<SGDOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const SGDParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    PutTensor(out, "momentum_buffer", st.momentum_buffer());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<SGDParamState>();
    st->momentum_buffer(ReadStateTensor(o, "momentum_buffer", p, path, false));
    return st;
  }
};

}  // namespace

const OptimizerKind& SgdOptimizerKind() {
  static const SgdKind kind;
  return kind;
}

}  // namespace sgoptim
