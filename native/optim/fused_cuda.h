// The fused CUDA path (fused_cuda.cu, compiled only against a CUDA LibTorch). The steps themselves
// are declared by their optimizers (rmsprop_tf.h, lamb.h, lion.h: CudaStep).
#pragma once

#include <torch/optim/optimizer.h>

namespace sgoptim {

#ifdef SG_WITH_CUDA
// Whether every parameter with a gradient is a contiguous CUDA float32/float64 tensor whose
// gradient has the same dtype, layout and device.
bool CudaFusedEligible(torch::optim::Optimizer& optimizer);
#endif

}  // namespace sgoptim
