// The fused loops for the x86-64 baseline (and any other architecture), plus the choice of loops.
#define SG_LOOPS_NS generic
#define SG_LOOPS_TABLE kGenericLoops
#define SG_LOOPS_NAME "generic"
#include "optim/fused_loops.inc"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace sgoptim {
namespace fused {

namespace {

bool CpuHasAvx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

const Loops& StartupChoice() {
  static const Loops& chosen = [&]() -> const Loops& {
    const char* forced = std::getenv("SG_OPTIM_KERNELS");
    if (forced != nullptr && std::strcmp(forced, "generic") == 0) return kGenericLoops;
#if defined(__x86_64__)
    if (CpuHasAvx2()) return kAvx2Loops;
#endif
    return kGenericLoops;
  }();
  return chosen;
}

std::atomic<const Loops*> selected{nullptr};

}  // namespace

const Loops& SelectedLoops() {
  const Loops* chosen = selected.load(std::memory_order_relaxed);
  return chosen != nullptr ? *chosen : StartupChoice();
}

const Loops* LoopsNamed(const char* name) {
  if (std::strcmp(name, "auto") == 0) return &StartupChoice();
  if (std::strcmp(name, "generic") == 0) return &kGenericLoops;
#if defined(__x86_64__)
  if (std::strcmp(name, "avx2") == 0 && CpuHasAvx2()) return &kAvx2Loops;
#endif
  return nullptr;
}

void SelectLoops(const Loops& loops) { selected.store(&loops, std::memory_order_relaxed); }

}  // namespace fused
}  // namespace sgoptim
