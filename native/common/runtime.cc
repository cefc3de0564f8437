#include "common/runtime.h"

#include <ATen/Parallel.h>
#include <malloc.h>

#include <cstdlib>
#include <thread>

namespace sgoptim {

void ConfigureRuntime() {
  static bool done = false;
  if (done) return;
  done = true;
  const char* omp = std::getenv("OMP_NUM_THREADS");
  if (omp == nullptr || *omp == '\0') {
    unsigned cores = std::thread::hardware_concurrency();
    if (cores > 0) at::set_num_threads(static_cast<int>(cores));
  }
#ifdef M_MMAP_THRESHOLD
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 1 << 30);
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace sgoptim
