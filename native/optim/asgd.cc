// ASGD's reference step (ATen ops, line by line after torch.optim.ASGD's for-loop path in
// PyTorch 2.15, so float32 and float64 trajectories match it), its fused CPU step and its kind.
#include "optim/asgd.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace asgd {

namespace {
// PyTorch stores eta and mu in 0-dim tensors of its scalar dtype (float32).
double AsFloat32(double v) { return static_cast<double>(static_cast<float>(v)); }
}  // namespace

AsgdParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p, const AsgdOptions& o) {
  auto* st = FindState<AsgdParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<AsgdParamState>();
  fresh->step(0).eta(AsFloat32(o.lr())).mu(1.0);
  fresh->ax(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

math::AsgdScalars Scalars(const AsgdOptions& o, const AsgdParamState& st) {
  return {o.weight_decay(), 1 - o.lambd() * st.eta(), st.eta(), st.mu()};
}

void Advance(const AsgdOptions& o, AsgdParamState& st) {
  st.step(st.step() + 1);
  const double step = static_cast<double>(st.step());
  st.eta(AsFloat32(o.lr() / std::pow(1 + o.lambd() * o.lr() * step, o.alpha())));
  st.mu(AsFloat32(1 / std::max(1.0, step - o.t0())));
}

}  // namespace asgd

Asgd::Asgd(std::vector<OptimizerParamGroup> groups, AsgdOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AsgdOptions>(defaults)) {}

at::Tensor Asgd::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<AsgdOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AsgdParamState& state = asgd::EnsureState(*this, p, o);
      const math::AsgdScalars s = asgd::Scalars(o, state);
      at::Tensor grad = p.grad();
      if (o.weight_decay() != 0) grad = grad.add(p, o.weight_decay());
      p.mul_(s.decay_factor);
      p.add_(grad, -s.eta);
      at::Tensor& ax = state.ax();
      if (s.mu != 1) {
        ax.add_(p.sub(ax).mul_(s.mu));
      } else {
        ax.copy_(p);
      }
      asgd::Advance(o, state);
    }
  }
  return loss;
}

namespace {

using fused::AsgdJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamState;

void FusedStep(torch::optim::Optimizer& opt) {
  fused::JobsByDtype<AsgdJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<AsgdOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      AsgdParamState& st = asgd::EnsureState(opt, p, o);
      const math::AsgdScalars s = asgd::Scalars(o, st);
      asgd::Advance(o, st);
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return AsgdJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.ax()), p.numel(), s};
      });
    }
  }
  jobs.run([](const auto& loops) { return loops.asgd; });
}

// eta or mu from JavaScript: a 0-dim (or one-element) tensor, as PyTorch saves them, or a number
// (PyTorch's __setstate__ takes a number too); kept as a float32 value.
double ReadScalarState(const Napi::Object& o, const char* key, const std::string& path) {
  Napi::Value v = o.Get(key);
  const std::string where = path + "." + key;
  if (v.IsUndefined() || v.IsNull()) throw Napi::Error::New(o.Env(), path + " is missing '" + key + "'");
  if (v.IsNumber()) return static_cast<double>(static_cast<float>(v.As<Napi::Number>().DoubleValue()));
  at::Tensor& t = TensorWrap::Get(v, where.c_str());
  if (t.numel() != 1) {
    throw Napi::RangeError::New(o.Env(), where + " must hold one value, got " + std::to_string(t.numel()));
  }
  return static_cast<double>(t.to(at::kCPU).to(at::kFloat).item<float>());
}

class AsgdKind : public OptimizerKind {
 public:
  const char* name() const override { return "ASGD"; }
  bool supportsMaximize() const override { return true; }
  bool stepKeptAsTensor() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<AsgdOptions>(r.number("lr"));
    o->lambd(r.number("lambd")).alpha(r.number("alpha")).t0(r.number("t0")).weight_decay(r.number("weight_decay"));
    return o;
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Asgd>(std::move(groups), static_cast<const AsgdOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<AsgdOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const AsgdParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    out.Set("step", Napi::Number::New(env, static_cast<double>(st.step())));
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    PutTensor(out, "eta", at::scalar_tensor(st.eta(), f32));
    PutTensor(out, "mu", at::scalar_tensor(st.mu(), f32));
    PutTensor(out, "ax", st.ax());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<AsgdParamState>();
    st->step(ReadStep(o, path));
    st->eta(ReadScalarState(o, "eta", path)).mu(ReadScalarState(o, "mu", path));
    st->ax(ReadStateTensor(o, "ax", p, path, true));
    return st;
  }
};

}  // namespace

const OptimizerKind& AsgdOptimizerKind() {
  static const AsgdKind kind;
  return kind;
}

}  // namespace sgoptim
