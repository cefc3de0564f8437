// Fused CUDA steps for RMSpropTF, Lamb and Lion over the multi-tensor-apply kernels of
// native/kernels (compiled only when the LibTorch found has CUDA). Each optimizer's state and
// scalars come from its own header (EnsureState, Scalars), as on its other paths; its kind
// (rmsprop_tf.cc, lamb.cc, lion.cc) offers the step here as its fused CUDA step. SGD, Adam, AdamW
// and RMSprop on CUDA use torch::optim's reference path or LibTorch's fused Adam.
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>  // at::NoGradGuard: ATen.h stopped including it in 2.x
#include <ATen/cuda/CUDAContext.h>

#include <cmath>
#include <vector>

#include "kernels/fused_functors.cuh"
#include "optim/fused_cuda.h"
#include "optim/lamb.h"
#include "optim/lion.h"
#include "optim/optimizer_state.h"
#include "optim/rmsprop_tf.h"

namespace sgoptim {
namespace {

template <typename T>
void RunRmspropTf(std::vector<std::vector<void*>>& lists, std::vector<int64_t>& sizes, const math::RmspropTfScalars& s, cudaStream_t stream) {
  if (s.centered && s.momentum > 0) cuda::MultiTensorApply<5>(lists, sizes, cuda::RmspropTfFunctor<T, true, true>{}, s, stream);
  else if (s.centered) cuda::MultiTensorApply<5>(lists, sizes, cuda::RmspropTfFunctor<T, true, false>{}, s, stream);
  else if (s.momentum > 0) cuda::MultiTensorApply<5>(lists, sizes, cuda::RmspropTfFunctor<T, false, true>{}, s, stream);
  else cuda::MultiTensorApply<5>(lists, sizes, cuda::RmspropTfFunctor<T, false, false>{}, s, stream);
}

// Calls f(dtype, tensors of that dtype) for float and double subsets of `params`.
template <typename F>
void ByDtype(const std::vector<at::Tensor>& params, F&& f) {
  for (auto type : {at::kFloat, at::kDouble}) {
    std::vector<at::Tensor> subset;
    for (auto& p : params)
      if (p.scalar_type() == type) subset.push_back(p);
    if (!subset.empty()) f(type, subset);
  }
}

void RmspropTfStep(torch::optim::Optimizer& opt, cudaStream_t stream) {
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<RMSpropTFOptions&>(group.options());
    std::vector<at::Tensor> with_grad;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      RMSpropTFParamState& st = rmsprop_tf::EnsureState(opt, p, o);
      st.step(st.step() + 1);
      with_grad.push_back(p);
    }
    const math::RmspropTfScalars s = rmsprop_tf::Scalars(o);
    ByDtype(with_grad, [&](at::ScalarType type, const std::vector<at::Tensor>& ps) {
      std::vector<std::vector<void*>> lists(5);
      std::vector<int64_t> sizes;
      for (auto& p : ps) {
        auto* st = FindState<RMSpropTFParamState>(opt, p);
        void* sq = st->square_avg().data_ptr();
        lists[0].push_back(p.data_ptr());
        lists[1].push_back(p.grad().data_ptr());
        lists[2].push_back(sq);
        lists[3].push_back(o.centered() ? st->grad_avg().data_ptr() : sq);
        lists[4].push_back(o.momentum() > 0 ? st->momentum_buffer().data_ptr() : sq);
        sizes.push_back(p.numel());
      }
      if (type == at::kFloat) RunRmspropTf<float>(lists, sizes, s, stream);
      else RunRmspropTf<double>(lists, sizes, s, stream);
    });
  }
}

void LionStep(torch::optim::Optimizer& opt, cudaStream_t stream) {
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<LionOptions&>(group.options());
    std::vector<at::Tensor> with_grad;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      lion::EnsureState(opt, p);
      with_grad.push_back(p);
    }
    const math::LionScalars s = lion::Scalars(o);
    ByDtype(with_grad, [&](at::ScalarType type, const std::vector<at::Tensor>& ps) {
      std::vector<std::vector<void*>> lists(3);
      std::vector<int64_t> sizes;
      for (auto& p : ps) {
        lists[0].push_back(p.data_ptr());
        lists[1].push_back(p.grad().data_ptr());
        lists[2].push_back(FindState<LionParamState>(opt, p)->exp_avg().data_ptr());
        sizes.push_back(p.numel());
      }
      if (type == at::kFloat) cuda::MultiTensorApply<3>(lists, sizes, cuda::LionFunctor<float>{}, s, stream);
      else cuda::MultiTensorApply<3>(lists, sizes, cuda::LionFunctor<double>{}, s, stream);
    });
  }
}

void LambStep(torch::optim::Optimizer& opt, cudaStream_t stream) {
  const auto& defaults = static_cast<const LambOptions&>(opt.defaults());
  std::vector<at::Tensor> all;
  for (auto& group : opt.param_groups())
    for (auto& p : group.params())
      if (p.grad().defined()) all.push_back(p);
  if (all.empty()) {
    for (auto& group : opt.param_groups()) {
      auto& o = static_cast<LambOptions&>(group.options());
      o.step(o.step() + 1);
    }
    return;
  }
  const auto dev = all.front().device();
  // Global gradient norm: per-tensor sums on the device, folded on the host into a float32
  // accumulator tensor by tensor in group order (SuperGradients' order and precision).
  at::Tensor sums = at::zeros({static_cast<int64_t>(all.size())}, at::TensorOptions().dtype(at::kDouble).device(dev));
  for (auto type : {at::kFloat, at::kDouble}) {
    std::vector<std::vector<void*>> lists(1);
    std::vector<int64_t> sizes;
    std::vector<double*> outs;
    for (size_t k = 0; k < all.size(); ++k) {
      lists[0].push_back(all[k].scalar_type() == type ? all[k].grad().data_ptr() : nullptr);
      sizes.push_back(all[k].scalar_type() == type ? all[k].numel() : 0);
    }
    double* out = sums.data_ptr<double>();
    if (type == at::kFloat) cuda::MultiTensorApply<1>(lists, sizes, cuda::SumOfSquaresFunctor<float>{}, out, stream);
    else cuda::MultiTensorApply<1>(lists, sizes, cuda::SumOfSquaresFunctor<double>{}, out, stream);
  }
  at::Tensor host = sums.to(at::kCPU);
  float global_sq = 0.0f;
  for (int64_t k = 0; k < host.numel(); ++k) global_sq = global_sq + static_cast<float>(host.data_ptr<double>()[k]);
  const float clip = lamb::ClipFactor(defaults, global_sq);
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<LambOptions&>(group.options());
    o.step(o.step() + 1);
    const math::LambScalars s = lamb::Scalars(o, o.step());
    std::vector<at::Tensor> ps;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      lamb::EnsureState(opt, p);
      ps.push_back(p);
    }
    if (ps.empty()) continue;
    at::Tensor norms = at::zeros({2, static_cast<int64_t>(ps.size())}, at::TensorOptions().dtype(at::kDouble).device(dev));
    auto lists_for = [&](at::ScalarType type, std::vector<int64_t>& sizes) {
      std::vector<std::vector<void*>> lists(4);
      for (auto& p : ps) {
        bool mine = p.scalar_type() == type;
        auto* st = FindState<LambParamState>(opt, p);
        lists[0].push_back(mine ? p.data_ptr() : nullptr);
        lists[1].push_back(mine ? p.grad().data_ptr() : nullptr);
        lists[2].push_back(mine ? st->exp_avg().data_ptr() : nullptr);
        lists[3].push_back(mine ? st->exp_avg_sq().data_ptr() : nullptr);
        sizes.push_back(mine ? p.numel() : 0);
      }
      return lists;
    };
    cuda::LambStage1Params q1{s, clip, norms.data_ptr<double>(), norms.data_ptr<double>() + ps.size()};
    for (auto type : {at::kFloat, at::kDouble}) {
      std::vector<int64_t> sizes;
      auto lists = lists_for(type, sizes);
      if (type == at::kFloat) cuda::MultiTensorApply<4>(lists, sizes, cuda::LambStage1Functor<float>{}, q1, stream);
      else cuda::MultiTensorApply<4>(lists, sizes, cuda::LambStage1Functor<double>{}, q1, stream);
    }
    at::Tensor w = norms[0].sqrt(), u = norms[1].sqrt();
    at::Tensor one = at::ones_like(w);
    at::Tensor trust = at::where(w > 0, at::where(u > 0, w / u, one), one);
    if (o.trust_clip()) trust = at::minimum(trust, one);
    if (!(o.weight_decay() != 0 || o.always_adapt())) trust = one;
    trust = trust.contiguous();
    cuda::LambStage2Params q2{s, trust.data_ptr<double>()};
    for (auto type : {at::kFloat, at::kDouble}) {
      std::vector<int64_t> sizes;
      auto lists = lists_for(type, sizes);
      if (type == at::kFloat) cuda::MultiTensorApply<4>(lists, sizes, cuda::LambStage2Functor<float>{}, q2, stream);
      else cuda::MultiTensorApply<4>(lists, sizes, cuda::LambStage2Functor<double>{}, q2, stream);
    }
  }
}

}  // namespace

bool CudaFusedEligible(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      const at::Tensor& g = p.grad();
      if (!g.defined()) continue;
      if (!p.is_cuda() || !p.is_contiguous() || (p.scalar_type() != at::kFloat && p.scalar_type() != at::kDouble)) return false;
      if (!g.is_cuda() || !g.is_contiguous() || g.scalar_type() != p.scalar_type() || g.device() != p.device()) return false;
    }
  }
  return true;
}

namespace rmsprop_tf {
void CudaStep(torch::optim::Optimizer& opt) { RmspropTfStep(opt, at::cuda::getCurrentCUDAStream()); }
}  // namespace rmsprop_tf

namespace lamb {
void CudaStep(torch::optim::Optimizer& opt) { LambStep(opt, at::cuda::getCurrentCUDAStream()); }
}  // namespace lamb

namespace lion {
void CudaStep(torch::optim::Optimizer& opt) { LionStep(opt, at::cuda::getCurrentCUDAStream()); }
}  // namespace lion

}  // namespace sgoptim
