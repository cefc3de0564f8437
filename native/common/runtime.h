// Process-wide LibTorch settings made once when the addon loads.
#pragma once

namespace sgoptim {

// Intra-op threads = cores (Debian's LibTorch starts with 1) unless OMP_NUM_THREADS says otherwise;
// glibc keeps big freed blocks instead of returning them to the OS every step (page-fault storm).
void ConfigureRuntime();

}  // namespace sgoptim
