// The fused CPU path: one pass over memory per step for all groups and tensors, split in chunks
// across tensors so many small tensors parallelise too. It uses the same state objects as the
// reference path, so the two can be mixed within one run.
#pragma once

#include <torch/optim/optimizer.h>

#include <string>

namespace sgoptim {

// Whether every parameter with a gradient is a contiguous CPU float32/float64 tensor whose
// gradient has the same dtype and layout.
bool FusedEligible(torch::optim::Optimizer& optimizer);

// One step of optimizer `kind` ('SGD', 'Adam', ...) over every group; false if `kind` has no
// fused implementation (the caller then steps on the reference path).
bool FusedStep(const std::string& kind, torch::optim::Optimizer& optimizer);

#ifdef SG_WITH_CUDA
// The CUDA counterparts (native/optim/fused_cuda.cu): RMSpropTF, Lamb and Lion on contiguous CUDA
// float32/float64 tensors; false for the other kinds (their reference path runs on CUDA).
bool CudaFusedEligible(torch::optim::Optimizer& optimizer);
bool CudaFusedStep(const std::string& kind, torch::optim::Optimizer& optimizer);
#endif

}  // namespace sgoptim
