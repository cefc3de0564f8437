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

bool CpuHas(const char* feature) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  // libgcc also checks that the OS saves the vector registers (XGETBV) before it reports AVX/AVX-512.
  if (std::strcmp(feature, "avx2") == 0) return __builtin_cpu_supports("avx2");
  if (std::strcmp(feature, "avx512f") == 0) return __builtin_cpu_supports("avx512f");
#endif
  return false;
}

// The builds compiled in, widest first, with the CPU feature each needs (none for the baseline).
struct Build {
  const Loops* loops;
  const char* feature;
};
const Build kBuilds[] = {
#if defined(__x86_64__)
    {&kAvx512Loops, "avx512f"},
    {&kAvx2Loops, "avx2"},
#endif
    {&kGenericLoops, nullptr},
};

bool Runs(const Build& b) { return b.feature == nullptr || CpuHas(b.feature); }

const Loops* Named(const char* name) {
  for (const Build& b : kBuilds) {
    if (std::strcmp(name, b.loops->name) == 0) return Runs(b) ? b.loops : nullptr;
  }
  return nullptr;
}

const Loops& StartupChoice() {
  static const Loops& chosen = [&]() -> const Loops& {
    // SG_OPTIM_KERNELS=generic|avx2|avx512 forces a build (ignored where the CPU cannot run it).
    const char* forced = std::getenv("SG_OPTIM_KERNELS");
    if (forced != nullptr && *forced != '\0') {
      if (const Loops* loops = Named(forced)) return *loops;
    }
    for (const Build& b : kBuilds) {
      if (Runs(b)) return *b.loops;
    }
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
  return Named(name);
}

void SelectLoops(const Loops& loops) { selected.store(&loops, std::memory_order_relaxed); }

}  // namespace fused
}  // namespace sgoptim
