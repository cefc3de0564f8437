#include "optim/libtorch_fused_adam.h"

#include <ATen/ATen.h>

#include <vector>

#include "optim/adam.h"

namespace sgoptim {
namespace {

// The tensors of one fused call: parameters of one group on one device with one dtype.
struct Bucket {
  c10::Device device;
  at::ScalarType dtype;
  std::vector<at::Tensor> params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps;
  std::vector<int64_t*> counters;  // the states' step counters, advanced after the call
};

Bucket& BucketFor(std::vector<Bucket>& buckets, const at::Tensor& p) {
  for (auto& b : buckets) {
    if (b.device == p.device() && b.dtype == p.scalar_type()) return b;
  }
  buckets.push_back(Bucket{p.device(), p.scalar_type(), {}, {}, {}, {}, {}, {}, {}});
  return buckets.back();
}

template <typename Options, typename State>
void Step(torch::optim::Optimizer& opt, bool decoupled) {
  at::NoGradGuard no_grad;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<Options&>(group.options());
    std::vector<Bucket> buckets;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& st = EnsureAdamState<State>(opt, p, o.amsgrad());
      Bucket& b = BucketFor(buckets, p);
      b.params.push_back(p);
      b.grads.push_back(p.grad());
      b.exp_avgs.push_back(st.exp_avg());
      b.exp_avg_sqs.push_back(st.exp_avg_sq());
      if (o.amsgrad()) b.max_exp_avg_sqs.push_back(st.max_exp_avg_sq());
      // torch.optim increments the step tensors before the kernel, which reads them as float.
      b.steps.push_back(at::full({1}, static_cast<double>(st.step() + 1), at::TensorOptions().dtype(at::kFloat).device(p.device())));
      b.counters.push_back(&st.step());
    }
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    for (auto& b : buckets) {
      double weight_decay = o.weight_decay();
      if (decoupled || DecoupledDecay(o)) {
        if (weight_decay != 0) at::_foreach_mul_(b.params, 1 - o.lr() * weight_decay);
        weight_decay = 0;
      }
      at::_fused_adam_(b.params, b.grads, b.exp_avgs, b.exp_avg_sqs, b.max_exp_avg_sqs, b.steps, o.lr(), beta1, beta2,
                       weight_decay, o.eps(), o.amsgrad(), /*maximize=*/false);  // maximize: the caller negated the gradients
      for (int64_t* counter : b.counters) ++*counter;
    }
  }
}

}  // namespace

bool LibTorchFusedEligible(torch::optim::Optimizer& optimizer) {
  bool any = false;
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      const at::Tensor& g = p.grad();
      if (!g.defined()) continue;
      if (!p.is_cuda() || !p.is_floating_point() || !p.is_contiguous()) return false;
      if (g.device() != p.device() || g.scalar_type() != p.scalar_type() || !g.is_contiguous() || g.is_sparse()) return false;
      any = true;
    }
  }
  return any;
}

void LibTorchFusedAdamStep(torch::optim::Optimizer& optimizer) {
  Step<torch::optim::AdamOptions, torch::optim::AdamParamState>(optimizer, false);
}

void LibTorchFusedAdamWStep(torch::optim::Optimizer& optimizer) {
  Step<torch::optim::AdamWOptions, torch::optim::AdamWParamState>(optimizer, true);
}

}  // namespace sgoptim
