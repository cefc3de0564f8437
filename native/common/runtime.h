// Process-wide LibTorch settings made once when the addon loads, and the binding table of the
// process-wide entries (registered by addon.cc).
#pragma once

#include <vector>

#include "common/errors.h"

namespace sgoptim {

// Intra-op threads = cores (Debian's LibTorch starts with 1) unless OMP_NUM_THREADS says otherwise;
// glibc keeps big freed blocks instead of returning them to the OS every step (page-fault storm).
void ConfigureRuntime();

// buildInfo, torchVersion, cudaAvailable, cudaDeviceCount, manualSeed, setGradEnabled,
// isGradEnabled, setNumThreads, getNumThreads, setCpuKernels.
const std::vector<FunctionEntry>& RuntimeEntries();

}  // namespace sgoptim
