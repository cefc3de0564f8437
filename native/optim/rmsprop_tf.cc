// RMSpropTF's reference step (ATen ops, line by line after SuperGradients' Python class so float32
// and float64 trajectories match it), its fused CPU step and its kind.
#include "optim/rmsprop_tf.h"

#include <ATen/ATen.h>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace rmsprop_tf {

RMSpropTFParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p, const RMSpropTFOptions& o) {
  auto* st = FindState<RMSpropTFParamState>(opt, p);
  if (st == nullptr) {
    auto fresh = std::make_unique<RMSpropTFParamState>();
    fresh->square_avg(at::ones_like(p, at::MemoryFormat::Preserve));
    if (o.momentum() > 0) fresh->momentum_buffer(ZerosLike(p));
    if (o.centered()) fresh->grad_avg(ZerosLike(p));
    return InsertState(opt, p, std::move(fresh));
  }
  TORCH_CHECK(!(o.momentum() > 0) || st->momentum_buffer().defined(), "RMSpropTF: momentum was switched from 0 to a positive value after the first step");
  TORCH_CHECK(!o.centered() || st->grad_avg().defined(), "RMSpropTF: 'centered' was switched on after the first step");
  return *st;
}

math::RmspropTfScalars Scalars(const RMSpropTFOptions& o) {
  return {o.lr(), o.alpha(), o.eps(), o.weight_decay(), o.momentum(), o.centered(), o.decoupled_decay(), o.lr_in_momentum()};
}

}  // namespace rmsprop_tf

RMSpropTF::RMSpropTF(std::vector<OptimizerParamGroup> groups, RMSpropTFOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<RMSpropTFOptions>(defaults)) {}

at::Tensor RMSpropTF::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<RMSpropTFOptions&>(group.options());
    const math::RmspropTfScalars s = rmsprop_tf::Scalars(o);
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      at::Tensor grad = p.grad();
      TORCH_CHECK(!grad.is_sparse(), "RMSprop does not support sparse gradients");
      RMSpropTFParamState& state = rmsprop_tf::EnsureState(*this, p, o);
      state.step(state.step() + 1);
      const double one_minus_alpha = 1.0 - s.alpha;
      if (s.weight_decay != 0) {
        if (s.decoupled_decay) {
          p.add_(p, -s.weight_decay);
        } else {
          grad = grad.add(p, s.weight_decay);
        }
      }
      at::Tensor& square_avg = state.square_avg();
      square_avg.add_(grad.pow(2) - square_avg, one_minus_alpha);
      at::Tensor avg;
      if (s.centered) {
        at::Tensor& grad_avg = state.grad_avg();
        grad_avg.add_(grad - grad_avg, one_minus_alpha);
        avg = square_avg.addcmul(grad_avg, grad_avg, -1).add(s.eps).sqrt_();
      } else {
        avg = square_avg.add(s.eps).sqrt_();
      }
      if (s.momentum > 0) {
        at::Tensor& buf = state.momentum_buffer();
        if (s.lr_in_momentum) {
          buf.mul_(s.momentum).addcdiv_(grad, avg, s.lr);
          p.sub_(buf);
        } else {
          buf.mul_(s.momentum).addcdiv_(grad, avg);
          p.add_(buf, -s.lr);
        }
      } else {
        p.addcdiv_(grad, avg, -s.lr);
      }
    }
  }
  return loss;
}

namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamState;

template <typename T>
using RmspropTfJob = fused::RmsJob<T, math::RmspropTfScalars>;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<RmspropTfJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<RMSpropTFOptions&>(group.options());
    const math::RmspropTfScalars s = rmsprop_tf::Scalars(o);
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      RMSpropTFParamState& st = rmsprop_tf::EnsureState(opt, p, o);
      st.step(st.step() + 1);
      const at::Tensor ga = o.centered() ? st.grad_avg() : at::Tensor();
      const at::Tensor mb = o.momentum() > 0 ? st.momentum_buffer() : at::Tensor();
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return RmspropTfJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.square_avg()), fused::Ptr<T>(ga), fused::Ptr<T>(mb), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.rmsprop_tf; });
}

class RmspropTfKind : public OptimizerKind {
 public:
  const char* name() const override { return "RMSpropTF"; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
#ifdef SG_WITH_CUDA
  StepFunction fusedCudaStep() const override { return &rmsprop_tf::CudaStep; }
#endif
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<RMSpropTFOptions>(r.number("lr"));
    o->alpha(r.number("alpha")).eps(r.number("eps")).weight_decay(r.number("weight_decay")).momentum(r.number("momentum"));
    // A group without these keys (an old state dict) means False, as SuperGradients' `in group` tests.
    o->centered(r.has("centered") && r.boolean("centered"));
    o->decoupled_decay(r.has("decoupled_decay") && r.boolean("decoupled_decay"));
    o->lr_in_momentum(r.has("lr_in_momentum") && r.boolean("lr_in_momentum"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<RMSpropTF>(std::move(groups), static_cast<const RMSpropTFOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<RMSpropTFOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const RMSpropTFParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    PutTensor(out, "square_avg", st.square_avg());
    PutTensor(out, "momentum_buffer", st.momentum_buffer());
    PutTensor(out, "grad_avg", st.grad_avg());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<RMSpropTFParamState>();
    st->step(ReadStep(o, path));
    st->square_avg(ReadStateTensor(o, "square_avg", p, path, true));
    st->momentum_buffer(ReadStateTensor(o, "momentum_buffer", p, path, false));
    st->grad_avg(ReadStateTensor(o, "grad_avg", p, path, false));
    return st;
  }
};

}  // namespace

const OptimizerKind& RmspropTfOptimizerKind() {
  static const RmspropTfKind kind;
  return kind;
}

}  // namespace sgoptim
