// Process-wide LibTorch settings: the ones made when the addon loads, and the binding table of
// process-wide entries (build info, CUDA, seed, grad mode, threads, CPU kernels).
#include "common/runtime.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <malloc.h>
#include <torch/version.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "common/args.h"
#include "optim/fused_loops.h"

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

namespace {

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  Args a(info);
  at::manual_seed(static_cast<uint64_t>(a.integer(0, "seed")));
  return a.env().Undefined();
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  Args a(info);
  bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(a.boolean(0, "enabled"));
  return Napi::Boolean::New(a.env(), previous);
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled());
}

Napi::Value CudaAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::hasCUDA());
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::hasCUDA() ? static_cast<double>(at::getNumGPUs()) : 0.0);
}

Napi::Value TorchVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), TORCH_VERSION);
}

// What this binary was built against, and runs: {torchVersion, cuda, cpuKernels}.
Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("torchVersion", TORCH_VERSION);
  out.Set("cpuKernels", fused::SelectedLoops().name);  // the fused loops' instruction set
#ifdef SG_WITH_CUDA
  out.Set("cuda", true);
#else
  out.Set("cuda", false);
#endif
  return out;
}

constexpr int64_t kMaxThreads = 1024;

// Switches the fused loops for the rest of the process: "generic", "avx2" or "avx512" (where the
// CPU has it) or "auto" (the start-up choice). Lets one test process check every build against the reference.
Napi::Value SetCpuKernels(const Napi::CallbackInfo& info) {
  Args a(info);
  std::string name = a.string(0, "kernels");
  const fused::Loops* loops = fused::LoopsNamed(name.c_str());
  if (loops == nullptr) {
    throw Napi::RangeError::New(a.env(), "setCpuKernels: '" + name + "' is not a kernel build this CPU runs; known: generic, avx2 (with AVX2), avx512 (with AVX-512F), auto");
  }
  fused::SelectLoops(*loops);
  return Napi::String::New(a.env(), loops->name);
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Args a(info);
  int64_t n = a.integer(0, "threads");
  // A huge count makes the next parallel op start that many OpenMP threads (and libgomp may abort
  // the process when it cannot): refused beyond a bound no machine's core count reaches.
  if (n < 1 || n > kMaxThreads) {
    throw Napi::RangeError::New(a.env(), "threads must be between 1 and " + std::to_string(kMaxThreads) + ", got " + std::to_string(n));
  }
  at::set_num_threads(static_cast<int>(n));
  return a.env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

}  // namespace

const std::vector<FunctionEntry>& RuntimeEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("manualSeed", ManualSeed),
      SG_ENTRY("setGradEnabled", SetGradEnabled),
      SG_ENTRY("isGradEnabled", IsGradEnabled),
      SG_ENTRY("cudaAvailable", CudaAvailable),
      SG_ENTRY("cudaDeviceCount", CudaDeviceCount),
      SG_ENTRY("torchVersion", TorchVersion),
      SG_ENTRY("buildInfo", BuildInfo),
      SG_ENTRY("setNumThreads", SetNumThreads),
      SG_ENTRY("setCpuKernels", SetCpuKernels),
      SG_ENTRY("getNumThreads", GetNumThreads),
  };
  return entries;
}

}  // namespace sgoptim
