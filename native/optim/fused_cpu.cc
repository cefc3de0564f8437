#include "optim/fused_cpu.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include <cmath>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/optimizer_math.h"
#include "optim/custom_optimizers.h"
#include "optim/fused_loops.h"

namespace sgoptim {
namespace {

using fused::AdamJob;
using fused::LambJob;
using fused::LionJob;
using fused::RmsJob;
using fused::SgdJob;

// The loops of this element type in the instruction set chosen for this CPU.
template <typename T>
const fused::LoopsFor<T>& LoopsOf();
template <>
const fused::LoopsFor<float>& LoopsOf<float>() {
  return fused::SelectedLoops().f32;
}
template <>
const fused::LoopsFor<double>& LoopsOf<double>() {
  return fused::SelectedLoops().f64;
}

// The element type of a vector of jobs (float or double).
template <typename Jobs>
using ElementOf = std::remove_pointer_t<decltype(std::declval<Jobs>()[0].p)>;

constexpr int64_t kChunk = 1 << 15;  // elements per work item: big enough to stream, small enough to balance

struct Span {
  size_t job;
  int64_t begin, end;
};

// Calls f(job, begin, end) for chunks of every job's elements, in parallel.
template <typename Sizes, typename F>
void ForEachChunk(const Sizes& sizes, F&& f) {
  std::vector<Span> spans;
  for (size_t j = 0; j < sizes.size(); ++j) {
    for (int64_t b = 0; b < sizes[j]; b += kChunk) spans.push_back({j, b, std::min<int64_t>(sizes[j], b + kChunk)});
  }
  at::parallel_for(0, static_cast<int64_t>(spans.size()), 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) f(spans[i].job, spans[i].begin, spans[i].end);
  });
}

template <typename T>
T* Ptr(const at::Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

template <typename State>
State* FindState(torch::optim::Optimizer& opt, const at::Tensor& p) {
  auto it = opt.state().find(StateKey(p));
  return it == opt.state().end() ? nullptr : static_cast<State*>(it->second.get());
}

template <typename State>
State& Insert(torch::optim::Optimizer& opt, const at::Tensor& p, std::unique_ptr<State> fresh) {
  State& ref = *fresh;
  opt.state()[StateKey(p)] = std::move(fresh);
  return ref;
}

at::Tensor Zeros(const at::Tensor& p) { return at::zeros_like(p, at::MemoryFormat::Preserve); }

// Runs `body(T{})` for float and double jobs separately: jobs hold typed pointers.
template <typename Body>
void ForBothDtypes(Body&& body) {
  body(float{});
  body(double{});
}

// ---- SGD ------------------------------------------------------------------------------------
void FusedSgd(torch::optim::Optimizer& opt) {
  std::vector<SgdJob<float>> jf;
  std::vector<SgdJob<double>> jd;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<torch::optim::SGDOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      bool first = false;
      at::Tensor buf;
      if (o.momentum() != 0) {
        auto* st = FindState<torch::optim::SGDParamState>(opt, p);
        if (st == nullptr || !st->momentum_buffer().defined()) {
          auto fresh = std::make_unique<torch::optim::SGDParamState>();
          fresh->momentum_buffer(at::empty_like(p, at::MemoryFormat::Preserve));
          st = &Insert(opt, p, std::move(fresh));
          first = true;
        }
        buf = st->momentum_buffer();
      }
      math::SgdScalars s{o.lr(), o.momentum(), o.dampening(), o.weight_decay(), o.nesterov(), first};
      if (p.scalar_type() == at::kFloat) jf.push_back({Ptr<float>(p), Ptr<float>(p.grad()), Ptr<float>(buf), p.numel(), s});
      else jd.push_back({Ptr<double>(p), Ptr<double>(p.grad()), Ptr<double>(buf), p.numel(), s});
    }
  }
  auto run = [](auto& jobs) {
    std::vector<int64_t> sizes;
    for (auto& j : jobs) sizes.push_back(j.n);
    const auto& loops = LoopsOf<ElementOf<decltype(jobs)>>();
    ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loops.sgd(jobs[k], b, e); });
  };
  run(jf);
  run(jd);
}

// ---- Adam / AdamW ---------------------------------------------------------------------------
template <typename Options, typename State>
void FusedAdamLike(torch::optim::Optimizer& opt, bool decoupled) {
  std::vector<AdamJob<float>> jf;
  std::vector<AdamJob<double>> jd;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<Options&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto* st = FindState<State>(opt, p);
      if (st == nullptr) {
        auto fresh = std::make_unique<State>();
        fresh->step(0);
        fresh->exp_avg(Zeros(p));
        fresh->exp_avg_sq(Zeros(p));
        if (o.amsgrad()) fresh->max_exp_avg_sq(Zeros(p));
        st = &Insert(opt, p, std::move(fresh));
      }
      if (o.amsgrad() && !st->max_exp_avg_sq().defined()) st->max_exp_avg_sq(Zeros(p));
      st->step(st->step() + 1);
      const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
      const double bc1 = 1 - std::pow(beta1, st->step());
      const double bc2 = 1 - std::pow(beta2, st->step());
      math::AdamScalars s{beta1, beta2, o.eps(), o.weight_decay(), o.lr() / bc1, std::sqrt(bc2), 1 - o.lr() * o.weight_decay(), decoupled, o.amsgrad()};
      at::Tensor vmax = o.amsgrad() ? st->max_exp_avg_sq() : at::Tensor();
      if (p.scalar_type() == at::kFloat) {
        jf.push_back({Ptr<float>(p), Ptr<float>(p.grad()), Ptr<float>(st->exp_avg()), Ptr<float>(st->exp_avg_sq()), Ptr<float>(vmax), p.numel(), s});
      } else {
        jd.push_back({Ptr<double>(p), Ptr<double>(p.grad()), Ptr<double>(st->exp_avg()), Ptr<double>(st->exp_avg_sq()), Ptr<double>(vmax), p.numel(), s});
      }
    }
  }
  auto run = [](auto& jobs) {
    std::vector<int64_t> sizes;
    for (auto& j : jobs) sizes.push_back(j.n);
    const auto& loops = LoopsOf<ElementOf<decltype(jobs)>>();
    ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loops.adam(jobs[k], b, e); });
  };
  run(jf);
  run(jd);
}

// ---- RMSprop and RMSpropTF ------------------------------------------------------------------
void FusedRmsprop(torch::optim::Optimizer& opt) {
  using S = math::RmspropScalars;
  std::vector<RmsJob<float, S>> jf;
  std::vector<RmsJob<double, S>> jd;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<torch::optim::RMSpropOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto* st = FindState<torch::optim::RMSpropParamState>(opt, p);
      if (st == nullptr) {
        auto fresh = std::make_unique<torch::optim::RMSpropParamState>();
        fresh->step(0);
        fresh->square_avg(Zeros(p));
        if (o.momentum() > 0) fresh->momentum_buffer(Zeros(p));
        if (o.centered()) fresh->grad_avg(Zeros(p));
        st = &Insert(opt, p, std::move(fresh));
      }
      if (o.momentum() > 0 && !st->momentum_buffer().defined()) st->momentum_buffer(Zeros(p));
      if (o.centered() && !st->grad_avg().defined()) st->grad_avg(Zeros(p));
      st->step(st->step() + 1);
      S s{o.lr(), o.alpha(), o.eps(), o.weight_decay(), o.momentum(), o.centered()};
      const at::Tensor ga = o.centered() ? st->grad_avg() : at::Tensor();
      const at::Tensor mb = o.momentum() > 0 ? st->momentum_buffer() : at::Tensor();
      if (p.scalar_type() == at::kFloat) {
        jf.push_back({Ptr<float>(p), Ptr<float>(p.grad()), Ptr<float>(st->square_avg()), Ptr<float>(ga), Ptr<float>(mb), p.numel(), s});
      } else {
        jd.push_back({Ptr<double>(p), Ptr<double>(p.grad()), Ptr<double>(st->square_avg()), Ptr<double>(ga), Ptr<double>(mb), p.numel(), s});
      }
    }
  }
  auto run = [](auto& jobs) {
    std::vector<int64_t> sizes;
    for (auto& j : jobs) sizes.push_back(j.n);
    const auto& loops = LoopsOf<ElementOf<decltype(jobs)>>();
    ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loops.rmsprop(jobs[k], b, e); });
  };
  run(jf);
  run(jd);
}

void FusedRmspropTf(torch::optim::Optimizer& opt) {
  using S = math::RmspropTfScalars;
  std::vector<RmsJob<float, S>> jf;
  std::vector<RmsJob<double, S>> jd;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<RMSpropTFOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto* st = FindState<RMSpropTFParamState>(opt, p);
      if (st == nullptr) {
        auto fresh = std::make_unique<RMSpropTFParamState>();
        fresh->square_avg(at::ones_like(p, at::MemoryFormat::Preserve));
        if (o.momentum() > 0) fresh->momentum_buffer(Zeros(p));
        if (o.centered()) fresh->grad_avg(Zeros(p));
        st = &Insert(opt, p, std::move(fresh));
      }
      TORCH_CHECK(!(o.momentum() > 0) || st->momentum_buffer().defined(), "RMSpropTF: momentum was switched from 0 to a positive value after the first step");
      TORCH_CHECK(!o.centered() || st->grad_avg().defined(), "RMSpropTF: 'centered' was switched on after the first step");
      st->step(st->step() + 1);
      S s{o.lr(), o.alpha(), o.eps(), o.weight_decay(), o.momentum(), o.centered(), o.decoupled_decay(), o.lr_in_momentum()};
      const at::Tensor ga = o.centered() ? st->grad_avg() : at::Tensor();
      const at::Tensor mb = o.momentum() > 0 ? st->momentum_buffer() : at::Tensor();
      if (p.scalar_type() == at::kFloat) {
        jf.push_back({Ptr<float>(p), Ptr<float>(p.grad()), Ptr<float>(st->square_avg()), Ptr<float>(ga), Ptr<float>(mb), p.numel(), s});
      } else {
        jd.push_back({Ptr<double>(p), Ptr<double>(p.grad()), Ptr<double>(st->square_avg()), Ptr<double>(ga), Ptr<double>(mb), p.numel(), s});
      }
    }
  }
  auto run = [](auto& jobs) {
    std::vector<int64_t> sizes;
    for (auto& j : jobs) sizes.push_back(j.n);
    const auto& loops = LoopsOf<ElementOf<decltype(jobs)>>();
    ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loops.rmsprop_tf(jobs[k], b, e); });
  };
  run(jf);
  run(jd);
}

// ---- Lion -----------------------------------------------------------------------------------
void FusedLion(torch::optim::Optimizer& opt) {
  std::vector<LionJob<float>> jf;
  std::vector<LionJob<double>> jd;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<LionOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto* st = FindState<LionParamState>(opt, p);
      if (st == nullptr) {
        auto fresh = std::make_unique<LionParamState>();
        fresh->exp_avg(Zeros(p));
        st = &Insert(opt, p, std::move(fresh));
      }
      math::LionScalars s{o.lr(), std::get<0>(o.betas()), std::get<1>(o.betas()), 1.0 - o.lr() * o.weight_decay()};
      if (p.scalar_type() == at::kFloat) jf.push_back({Ptr<float>(p), Ptr<float>(p.grad()), Ptr<float>(st->exp_avg()), p.numel(), s});
      else jd.push_back({Ptr<double>(p), Ptr<double>(p.grad()), Ptr<double>(st->exp_avg()), p.numel(), s});
    }
  }
  auto run = [](auto& jobs) {
    std::vector<int64_t> sizes;
    for (auto& j : jobs) sizes.push_back(j.n);
    const auto& loops = LoopsOf<ElementOf<decltype(jobs)>>();
    ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loops.lion(jobs[k], b, e); });
  };
  run(jf);
  run(jd);
}

// ---- Lamb: norms, then the update (apex's two stages) ------------------------------------------
template <typename T>
void LambStages(std::vector<LambJob<T>>& jobs, float clip) {
  std::vector<int64_t> sizes;
  for (auto& j : jobs) sizes.push_back(j.n);
  // Stage 1: moments, the update's and the weight's squared norms per chunk.
  std::vector<Span> spans;
  for (size_t k = 0; k < jobs.size(); ++k) {
    for (int64_t b = 0; b < jobs[k].n; b += kChunk) spans.push_back({k, b, std::min<int64_t>(jobs[k].n, b + kChunk)});
  }
  std::vector<double> wsq(spans.size(), 0.0), usq(spans.size(), 0.0);
  // g / 1 == g exactly, so without clipping the gradient is only read: one buffer less written.
  const bool clipped = clip != 1.0f;
  const auto& loops = LoopsOf<T>();
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
  ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loops.lamb_apply(jobs[k], b, e); });
}

void FusedLamb(torch::optim::Optimizer& opt) {
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
  std::vector<Span> gspans;
  for (size_t k = 0; k < grads.size(); ++k) {
    for (int64_t b = 0; b < gsizes[k]; b += kChunk) gspans.push_back({k, b, std::min<int64_t>(gsizes[k], b + kChunk)});
  }
  std::vector<double> partial(gspans.size(), 0.0);
  at::parallel_for(0, static_cast<int64_t>(gspans.size()), 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const at::Tensor& g = grads[gspans[i].job];
      partial[i] = g.scalar_type() == at::kFloat ? LoopsOf<float>().sum_of_squares(g.data_ptr<float>(), gspans[i].begin, gspans[i].end)
                                                 : LoopsOf<double>().sum_of_squares(g.data_ptr<double>(), gspans[i].begin, gspans[i].end);
    }
  });
  std::vector<double> per_tensor(grads.size(), 0.0);
  for (size_t i = 0; i < gspans.size(); ++i) per_tensor[gspans[i].job] += partial[i];
  float global_sq = 0.0f;
  for (double s : per_tensor) global_sq = global_sq + static_cast<float>(s);
  float clip = 1.0f;
  if (any && defaults.has_max_grad_norm()) {
    float norm = std::sqrt(global_sq);
    float max_norm = static_cast<float>(defaults.max_grad_norm());
    clip = norm > max_norm ? norm / max_norm : 1.0f;
  }
  std::vector<LambJob<float>> jf;
  std::vector<LambJob<double>> jd;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<LambOptions&>(group.options());
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    o.step(o.step() + 1);
    double bc1 = 1, bc2 = 1;
    if (o.bias_correction()) {
      bc1 = 1 - std::pow(beta1, static_cast<double>(o.step()));
      bc2 = 1 - std::pow(beta2, static_cast<double>(o.step()));
    }
    math::LambScalars s{beta1, beta2, o.grad_averaging() ? 1 - beta1 : 1.0, o.eps(), o.weight_decay(), bc1, std::sqrt(bc2), o.lr()};
    bool adapt = o.weight_decay() != 0 || o.always_adapt();
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto* st = FindState<LambParamState>(opt, p);
      if (st == nullptr) {
        auto fresh = std::make_unique<LambParamState>();
        fresh->exp_avg(Zeros(p));
        fresh->exp_avg_sq(Zeros(p));
        st = &Insert(opt, p, std::move(fresh));
      }
      if (p.scalar_type() == at::kFloat) {
        jf.push_back({Ptr<float>(p), Ptr<float>(p.grad()), Ptr<float>(st->exp_avg()), Ptr<float>(st->exp_avg_sq()), p.numel(), s, adapt, o.trust_clip()});
      } else {
        jd.push_back({Ptr<double>(p), Ptr<double>(p.grad()), Ptr<double>(st->exp_avg()), Ptr<double>(st->exp_avg_sq()), p.numel(), s, adapt, o.trust_clip()});
      }
    }
  }
  LambStages(jf, clip);
  LambStages(jd, clip);
}

}  // namespace

bool FusedEligible(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      const at::Tensor& g = p.grad();
      if (!g.defined()) continue;
      if (!p.device().is_cpu() || !p.is_contiguous() || (p.scalar_type() != at::kFloat && p.scalar_type() != at::kDouble)) return false;
      if (!g.device().is_cpu() || !g.is_contiguous() || g.scalar_type() != p.scalar_type() || g.numel() != p.numel() || g.is_sparse()) return false;
    }
  }
  return true;
}

bool FusedStep(const std::string& kind, torch::optim::Optimizer& optimizer) {
  at::NoGradGuard no_grad;
  if (kind == "SGD") FusedSgd(optimizer);
  else if (kind == "Adam") FusedAdamLike<torch::optim::AdamOptions, torch::optim::AdamParamState>(optimizer, false);
  else if (kind == "AdamW") FusedAdamLike<torch::optim::AdamWOptions, torch::optim::AdamWParamState>(optimizer, true);
  else if (kind == "RMSprop") FusedRmsprop(optimizer);
  else if (kind == "RMSpropTF") FusedRmspropTf(optimizer);
  else if (kind == "Lamb") FusedLamb(optimizer);
  else if (kind == "Lion") FusedLion(optimizer);
  else return false;
  return true;
}

}  // namespace sgoptim
