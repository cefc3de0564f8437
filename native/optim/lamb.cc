// Lamb's reference step (ATen ops, line by line after SuperGradients' Python class so float32 and
// float64 trajectories match it), its fused CPU step (apex's two stages) and its kind.
#include "optim/lamb.h"

#include <ATen/ATen.h>

#include <cmath>

#include "optim/fused_cpu.h"
#include "optim/optimizer_kinds.h"
#include "optim/optimizer_state.h"

namespace sgoptim {
namespace lamb {

LambParamState& EnsureState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto* st = FindState<LambParamState>(opt, p);
  if (st != nullptr) return *st;
  auto fresh = std::make_unique<LambParamState>();
  fresh->exp_avg(ZerosLike(p));
  fresh->exp_avg_sq(ZerosLike(p));
  return InsertState(opt, p, std::move(fresh));
}

math::LambScalars Scalars(const LambOptions& o, int64_t step) {
  const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
  double bc1 = 1, bc2 = 1;
  if (o.bias_correction()) {
    bc1 = 1 - std::pow(beta1, static_cast<double>(step));
    bc2 = 1 - std::pow(beta2, static_cast<double>(step));
  }
  return {beta1, beta2, o.grad_averaging() ? 1 - beta1 : 1.0, o.eps(), o.weight_decay(), bc1, std::sqrt(bc2), o.lr()};
}

float ClipFactor(const LambOptions& defaults, float global_sq) {
  if (!defaults.has_max_grad_norm()) return 1.0f;
  // ATen's sqrt, as the reference step and SuperGradients take it: PyTorch's wheel computes it
  // with MKL, which is not correctly rounded, and the norm's last bit reaches every parameter.
  float norm = at::sqrt(at::full({1}, global_sq, at::kFloat)).item<float>();
  float max_norm = static_cast<float>(defaults.max_grad_norm());
  return norm > max_norm ? norm / max_norm : 1.0f;
}

}  // namespace lamb

Lamb::Lamb(std::vector<OptimizerParamGroup> groups, LambOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<LambOptions>(defaults)) {}

at::Tensor Lamb::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  // The device of the first parameter anywhere (SuperGradients takes group 0's first and fails on
  // an empty first group).
  c10::optional<at::Device> device;
  for (auto& group : param_groups_) {
    if (!group.params().empty()) {
      device = group.params().front().device();
      break;
    }
  }
  if (!device) return loss;
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(*device);
  at::Tensor one = at::scalar_tensor(1.0, f32);
  at::Tensor clip = one;
  const auto& defaults = static_cast<const LambOptions&>(*defaults_);
  if (defaults.has_max_grad_norm()) {
    at::Tensor global_sq = at::zeros({1}, f32);
    for (auto& group : param_groups_) {
      for (auto& p : group.params()) {
        if (!p.grad().defined()) continue;
        TORCH_CHECK(!p.grad().is_sparse(), "Lamb does not support sparse gradients, consider SparseAdam instead.");
        global_sq.add_(p.grad().pow(2).sum());
      }
    }
    at::Tensor global_norm = at::sqrt(global_sq);
    at::Tensor max_norm = at::scalar_tensor(defaults.max_grad_norm(), f32);
    // 0-dim (SuperGradients' is [1]-shaped: same values, but it cannot divide a 0-dim grad in place).
    clip = at::where(global_norm > max_norm, global_norm / max_norm, one).reshape({});
  }
  for (auto& group : param_groups_) {
    auto& o = static_cast<LambOptions&>(group.options());
    o.step(o.step() + 1);
    const math::LambScalars s = lamb::Scalars(o, o.step());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      at::Tensor grad = p.mutable_grad().div_(clip);
      LambParamState& state = lamb::EnsureState(*this, p);
      at::Tensor& exp_avg = state.exp_avg();
      at::Tensor& exp_avg_sq = state.exp_avg_sq();
      exp_avg.mul_(s.beta1).add_(grad, s.beta3);
      exp_avg_sq.mul_(s.beta2).addcmul_(grad, grad, 1.0 - s.beta2);
      at::Tensor denom = (exp_avg_sq.sqrt() / s.bias_correction2_sqrt).add_(s.eps);
      at::Tensor update = (exp_avg / s.bias_correction1).div_(denom);
      if (s.weight_decay != 0) update.add_(p, s.weight_decay);
      if (o.weight_decay() != 0 || o.always_adapt()) {
        at::Tensor w_norm = p.norm(2.0);
        at::Tensor g_norm = update.norm(2.0);
        at::Tensor trust = at::where(w_norm > 0, at::where(g_norm > 0, w_norm / g_norm, one), one);
        if (o.trust_clip()) trust = at::minimum(trust, one);
        update.mul_(trust);
      }
      p.add_(update, -s.lr);
    }
  }
  return loss;
}

namespace {

using fused::LambJob;
using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamState;

// Norms, then the update (apex's two stages).
template <typename T>
void LambStages(std::vector<LambJob<T>>& jobs, float clip) {
  std::vector<int64_t> sizes;
  for (auto& j : jobs) sizes.push_back(j.n);
  // Stage 1: moments, the update's and the weight's squared norms per chunk.
  const std::vector<fused::Span> spans = fused::Chunks(sizes);
  std::vector<double> wsq(spans.size(), 0.0), usq(spans.size(), 0.0);
  // g / 1 == g exactly, so without clipping the gradient is only read: one buffer less written.
  const bool clipped = clip != 1.0f;
  const auto& loops = fused::LoopsOf<T>();
  at::parallel_for(0, static_cast<int64_t>(spans.size()), 1, [&](int64_t lo, int64_t hi) {
    for (int64_t si = lo; si < hi; ++si) {
      loops.lamb_moments(jobs[spans[si].job], spans[si].begin, spans[si].end, clipped ? static_cast<T>(clip) : T(1), clipped, &wsq[si], &usq[si]);
    }
  });
  std::vector<double> w_total(jobs.size(), 0.0), u_total(jobs.size(), 0.0);
  for (size_t si = 0; si < spans.size(); ++si) {
    w_total[spans[si].job] += wsq[si];
    u_total[spans[si].job] += usq[si];
  }
  for (size_t k = 0; k < jobs.size(); ++k) {
    auto& j = jobs[k];
    if (!j.adapt) continue;
    T wn = static_cast<T>(std::sqrt(w_total[k]));
    T un = static_cast<T>(std::sqrt(u_total[k]));
    T trust = wn > 0 ? (un > 0 ? wn / un : T(1)) : T(1);
    if (j.trust_clip && trust > T(1)) trust = T(1);
    j.trust = trust;
  }
  // Stage 2: p ← p − lr·trust·u, with u recomputed from the new moments (no temporary buffer).
  fused::ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loops.lamb_apply(jobs[k], b, e); });
}

void FusedStep(torch::optim::Optimizer& opt) {
  const auto& defaults = static_cast<const LambOptions&>(opt.defaults());
  // Global gradient norm: a float32 accumulator, tensor by tensor in group order (as SG).
  // Per-tensor sums in one parallel region over chunks of every gradient, then folded in order.
  // With clipping disabled (max_grad_norm: null) the norm is not needed: no pass over the gradients.
  std::vector<at::Tensor> grads;
  for (auto& group : opt.param_groups()) {
    for (auto& p : group.params()) {
      if (p.grad().defined() && defaults.has_max_grad_norm()) grads.push_back(p.grad());
    }
  }
  const bool any = !grads.empty();
  std::vector<int64_t> gsizes;
  for (auto& g : grads) gsizes.push_back(g.numel());
  const std::vector<fused::Span> gspans = fused::Chunks(gsizes);
  std::vector<double> partial(gspans.size(), 0.0);
  at::parallel_for(0, static_cast<int64_t>(gspans.size()), 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const at::Tensor& g = grads[gspans[i].job];
      partial[i] = g.scalar_type() == at::kFloat ? fused::LoopsOf<float>().sum_of_squares(g.data_ptr<float>(), gspans[i].begin, gspans[i].end)
                                                 : fused::LoopsOf<double>().sum_of_squares(g.data_ptr<double>(), gspans[i].begin, gspans[i].end);
    }
  });
  std::vector<double> per_tensor(grads.size(), 0.0);
  for (size_t i = 0; i < gspans.size(); ++i) per_tensor[gspans[i].job] += partial[i];
  float global_sq = 0.0f;
  for (double s : per_tensor) global_sq = global_sq + static_cast<float>(s);
  const float clip = any ? lamb::ClipFactor(defaults, global_sq) : 1.0f;
  fused::JobsByDtype<LambJob> jobs;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<LambOptions&>(group.options());
    o.step(o.step() + 1);
    const math::LambScalars s = lamb::Scalars(o, o.step());
    const bool adapt = o.weight_decay() != 0 || o.always_adapt();
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      LambParamState& st = lamb::EnsureState(opt, p);
      jobs.add(p, [&](auto t) {
        using T = decltype(t);
        return LambJob<T>{fused::Ptr<T>(p), fused::Ptr<T>(p.grad()), fused::Ptr<T>(st.exp_avg()), fused::Ptr<T>(st.exp_avg_sq()), p.numel(), s, adapt, o.trust_clip()};
      });
    }
  }
  LambStages(jobs.f32, clip);
  LambStages(jobs.f64, clip);
}

class LambKind : public OptimizerKind {
 public:
  const char* name() const override { return "Lamb"; }
  bool hasGroupState() const override { return true; }
  StepFunction fusedCpuStep() const override { return &FusedStep; }
#ifdef SG_WITH_CUDA
  StepFunction fusedCudaStep() const override { return &lamb::CudaStep; }
#endif
  std::unique_ptr<OptimizerOptions> readOptions(const OptionReader& r) const override {
    auto o = std::make_unique<LambOptions>(r.number("lr"));
    o->bias_correction(r.boolean("bias_correction")).betas(r.pair("betas")).eps(r.number("eps"));
    o->weight_decay(r.number("weight_decay")).grad_averaging(r.boolean("grad_averaging"));
    bool present = false;
    double max_norm = r.numberOr("max_grad_norm", 0.0, &present);
    o->max_grad_norm(max_norm).has_max_grad_norm(present);
    o->trust_clip(r.boolean("trust_clip")).always_adapt(r.boolean("always_adapt"));
    return o;
  }
  void carryOver(const OptimizerOptions& from, OptimizerOptions& to) const override {
    static_cast<LambOptions&>(to).step(static_cast<const LambOptions&>(from).step());
  }
  std::unique_ptr<torch::optim::Optimizer> create(std::vector<OptimizerParamGroup> groups,
                                                  const OptimizerOptions& defaults) const override {
    return std::make_unique<Lamb>(std::move(groups), static_cast<const LambOptions&>(defaults));
  }
  void copyOptions(const OptimizerOptions& from, OptimizerOptions& to) const override { CopyOptionsAs<LambOptions>(from, to); }
  Napi::Object stateToJs(Napi::Env env, const OptimizerParamState& s) const override {
    auto& st = static_cast<const LambParamState&>(s);
    Napi::Object out = Napi::Object::New(env);
    PutTensor(out, "exp_avg", st.exp_avg());
    PutTensor(out, "exp_avg_sq", st.exp_avg_sq());
    return out;
  }
  std::unique_ptr<OptimizerParamState> stateFromJs(const Napi::Object& o, const at::Tensor& p,
                                                   const std::string& path) const override {
    auto st = std::make_unique<LambParamState>();
    st->exp_avg(ReadStateTensor(o, "exp_avg", p, path, true));
    st->exp_avg_sq(ReadStateTensor(o, "exp_avg_sq", p, path, true));
    return st;
  }
  Napi::Object groupStateToJs(Napi::Env env, const OptimizerOptions& options) const override {
    Napi::Object out = Napi::Object::New(env);
    int64_t step = static_cast<const LambOptions&>(options).step();
    if (step > 0) out.Set("step", Napi::Number::New(env, static_cast<double>(step)));
    return out;
  }
  void groupStateFromJs(const OptionReader& r, OptimizerOptions& options) const override {
    static_cast<LambOptions&>(options).step(r.has("step") ? static_cast<int64_t>(r.number("step")) : 0);
  }
};

}  // namespace

const OptimizerKind& LambOptimizerKind() {
  static const LambKind kind;
  return kind;
}

}  // namespace sgoptim
