// The fused loops for the x86-64 baseline (and any other architecture), plus the choice of loops.
#define SG_LOOPS_NS generic
#define SG_LOOPS_TABLE kGenericLoops
#define SG_LOOPS_NAME "generic"
#include "optim/fused_loops.inc"

#include <cstdlib>
#include <cstring>

namespace sgoptim {
namespace fused {

namespace {

const Loops& Choose() {
  const char* forced = std::getenv("SG_OPTIM_KERNELS");
  if (forced != nullptr && std::strcmp(forced, "generic") == 0) return kGenericLoops;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return kAvx2Loops;
#endif
  return kGenericLoops;
}

}  // namespace

const Loops& SelectedLoops() {
  static const Loops& loops = Choose();
  return loops;
}

}  // namespace fused
}  // namespace sgoptim
