// Reference (ATen-op) implementations of RMSpropTF, Lamb and Lion, line by line after
// SuperGradients' Python classes so float32 and float64 trajectories match them.
#include "optim/custom_optimizers.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <c10/util/irange.h>

#include <cmath>
#include <cstdint>

namespace sgoptim {

namespace {

// Up to LibTorch 2.1 torch::optim keys its state by c10::guts::to_string(TensorImpl*), i.e. what
// `ostream << ptr` prints: "0x" and lowercase hex digits. Formatting it by hand gives the same key
// without constructing an ostringstream (locale, facets) per parameter per step, which cost about
// 1 µs per tensor on the fused path. The fused-to-reference switching test proves the keys agree.
template <typename Key>
Key MakeStateKey(c10::TensorImpl* impl) {
  if constexpr (std::is_same_v<Key, std::string>) {
    auto v = reinterpret_cast<std::uintptr_t>(impl);
    if (v == 0) return "0";
    char buf[2 + 2 * sizeof(v)];
    char* end = buf + sizeof(buf);
    char* q = end;
    while (v != 0) {
      *--q = "0123456789abcdef"[v & 0xf];
      v >>= 4;
    }
    *--q = 'x';
    *--q = '0';
    return std::string(q, end);
  } else {
    return static_cast<Key>(impl);  // LibTorch 2.2+: the pointer itself
  }
}

}  // namespace

StateMapKey StateKey(const at::Tensor& param) { return MakeStateKey<StateMapKey>(param.unsafeGetTensorImpl()); }

namespace {

at::Tensor RunClosure(const torch::optim::Optimizer::LossClosure& closure) {
  if (!closure) return {};
  at::AutoGradMode enable_grad(true);
  return closure();
}

template <typename State>
State* FindState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto it = opt.state().find(StateKey(p));
  return it == opt.state().end() ? nullptr : static_cast<State*>(it->second.get());
}

}  // namespace

RMSpropTF::RMSpropTF(std::vector<OptimizerParamGroup> groups, RMSpropTFOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<RMSpropTFOptions>(defaults)) {}

at::Tensor RMSpropTF::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<RMSpropTFOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      at::Tensor grad = p.grad();
      TORCH_CHECK(!grad.is_sparse(), "RMSprop does not support sparse gradients");
      auto* state = FindState<RMSpropTFParamState>(*this, p);
      if (state == nullptr) {
        auto fresh = std::make_unique<RMSpropTFParamState>();
        fresh->square_avg(at::ones_like(p, at::MemoryFormat::Preserve));
        if (o.momentum() > 0) fresh->momentum_buffer(at::zeros_like(p, at::MemoryFormat::Preserve));
        if (o.centered()) fresh->grad_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
        state = fresh.get();
        state_[StateKey(p)] = std::move(fresh);
      }
      state->step(state->step() + 1);
      const double one_minus_alpha = 1.0 - o.alpha();
      if (o.weight_decay() != 0) {
        if (o.decoupled_decay()) {
          p.add_(p, -o.weight_decay());
        } else {
          grad = grad.add(p, o.weight_decay());
        }
      }
      at::Tensor& square_avg = state->square_avg();
      square_avg.add_(grad.pow(2) - square_avg, one_minus_alpha);
      at::Tensor avg;
      if (o.centered()) {
        TORCH_CHECK(state->grad_avg().defined(), "RMSpropTF: 'centered' was switched on after the first step");
        at::Tensor& grad_avg = state->grad_avg();
        grad_avg.add_(grad - grad_avg, one_minus_alpha);
        avg = square_avg.addcmul(grad_avg, grad_avg, -1).add(o.eps()).sqrt_();
      } else {
        avg = square_avg.add(o.eps()).sqrt_();
      }
      if (o.momentum() > 0) {
        TORCH_CHECK(state->momentum_buffer().defined(),
                    "RMSpropTF: momentum was switched from 0 to a positive value after the first step");
        at::Tensor& buf = state->momentum_buffer();
        if (o.lr_in_momentum()) {
          buf.mul_(o.momentum()).addcdiv_(grad, avg, o.lr());
          p.sub_(buf);
        } else {
          buf.mul_(o.momentum()).addcdiv_(grad, avg);
          p.add_(buf, -o.lr());
        }
      } else {
        p.addcdiv_(grad, avg, -o.lr());
      }
    }
  }
  return loss;
}

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
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    const double beta3 = o.grad_averaging() ? 1.0 - beta1 : 1.0;
    o.step(o.step() + 1);
    double bias_correction1 = 1.0, bias_correction2 = 1.0;
    if (o.bias_correction()) {
      bias_correction1 = 1.0 - std::pow(beta1, static_cast<double>(o.step()));
      bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(o.step()));
    }
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      at::Tensor grad = p.mutable_grad().div_(clip);
      auto* state = FindState<LambParamState>(*this, p);
      if (state == nullptr) {
        auto fresh = std::make_unique<LambParamState>();
        fresh->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
        fresh->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
        state = fresh.get();
        state_[StateKey(p)] = std::move(fresh);
      }
      at::Tensor& exp_avg = state->exp_avg();
      at::Tensor& exp_avg_sq = state->exp_avg_sq();
      exp_avg.mul_(beta1).add_(grad, beta3);
      exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
      at::Tensor denom = (exp_avg_sq.sqrt() / std::sqrt(bias_correction2)).add_(o.eps());
      at::Tensor update = (exp_avg / bias_correction1).div_(denom);
      if (o.weight_decay() != 0) update.add_(p, o.weight_decay());
      if (o.weight_decay() != 0 || o.always_adapt()) {
        at::Tensor w_norm = p.norm(2.0);
        at::Tensor g_norm = update.norm(2.0);
        at::Tensor trust = at::where(w_norm > 0, at::where(g_norm > 0, w_norm / g_norm, one), one);
        if (o.trust_clip()) trust = at::minimum(trust, one);
        update.mul_(trust);
      }
      p.add_(update, -o.lr());
    }
  }
  return loss;
}

Lion::Lion(std::vector<OptimizerParamGroup> groups, LionOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<LionOptions>(defaults)) {}

at::Tensor Lion::step(LossClosure closure) {
  at::NoGradGuard no_grad;
  at::Tensor loss = RunClosure(closure);
  for (auto& group : param_groups_) {
    auto& o = static_cast<LionOptions&>(group.options());
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      p.mul_(1.0 - o.lr() * o.weight_decay());
      const at::Tensor& grad = p.grad();
      auto* state = FindState<LionParamState>(*this, p);
      if (state == nullptr) {
        auto fresh = std::make_unique<LionParamState>();
        fresh->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
        state = fresh.get();
        state_[StateKey(p)] = std::move(fresh);
      }
      at::Tensor& exp_avg = state->exp_avg();
      at::Tensor update = exp_avg * beta1 + grad * (1.0 - beta1);
      p.add_(at::sign(update), -o.lr());
      exp_avg.mul_(beta2).add_(grad, 1.0 - beta2);
    }
  }
  return loss;
}

}  // namespace sgoptim
