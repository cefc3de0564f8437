// LibTorch's own fused Adam kernel (at::_fused_adam_, what torch.optim.Adam(fused=True) runs) for
// Adam and AdamW on CUDA tensors, where our multi-tensor kernels cover RMSpropTF, Lamb and Lion.
// The op is declared by every LibTorch since 1.13, so this compiles everywhere; it only runs for
// parameters on a CUDA device (LibTorch 1.13 has no CPU kernel for it; our fused CPU loops serve
// the CPU).
#pragma once

#include <torch/optim/optimizer.h>

namespace sgoptim {

// Whether every parameter with a gradient is a floating CUDA tensor with a gradient of the same
// dtype, device and layout, so one fused call per (group, device, dtype) can step it.
bool LibTorchFusedEligible(torch::optim::Optimizer& optimizer);

// One Adam (AdamW) step of every group through at::_fused_adam_. AdamW's decay (and Adam's with
// decoupled_weight_decay) p ← p·(1 − lr·wd)
// runs first (one _foreach_mul_ per bucket), then the Adam update with weight_decay 0: what
// torch.optim.AdamW computes. Step counters stay in the same AdamParamState/AdamWParamState the
// reference path uses (EnsureAdamState, adam.h), so the paths mix within a run.
void LibTorchFusedAdamStep(torch::optim::Optimizer& optimizer);
void LibTorchFusedAdamWStep(torch::optim::Optimizer& optimizer);

}  // namespace sgoptim
