// STREAM-style copy and triad over float32 arrays (parallel like the optimizer loops): the
// memory-bandwidth roofline the benchmark reports against.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "bench/bench_entries.h"
#include "common/args.h"

namespace sgoptim {
namespace {

// stream(elements, repetitions) → {copyGBs, triadGBs} (best of the repetitions)
Napi::Value Stream(const Napi::CallbackInfo& info) {
  Args a(info);
  int64_t n = a.integer(0, "elements");
  int64_t reps = a.integer(1, "repetitions");
  if (n < 1 || reps < 1) throw Napi::RangeError::New(a.env(), "stream: elements and repetitions must be positive");
  // Bounded, so that a careless call cannot allocate without end or run for hours (the fuzz test calls it with any numbers).
  if (n > (int64_t{1} << 28) || reps > 1000) throw Napi::RangeError::New(a.env(), "stream: elements must be at most 2^28 and repetitions at most 1000, got " + std::to_string(n) + " and " + std::to_string(reps));
  std::vector<float> x(n, 1.0f), y(n, 2.0f), z(n, 0.0f);
  float* px = x.data();
  float* py = y.data();
  float* pz = z.data();
  double best_copy = 1e30, best_triad = 1e30;
  for (int64_t r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    at::parallel_for(0, n, 1 << 16, [&](int64_t b, int64_t e) {
      float* __restrict z = pz;
      const float* __restrict x = px;
      for (int64_t i = b; i < e; ++i) z[i] = x[i];
    });
    auto t1 = std::chrono::steady_clock::now();
    at::parallel_for(0, n, 1 << 16, [&](int64_t b, int64_t e) {
      float* __restrict z = pz;
      const float* __restrict x = px;
      const float* __restrict y = py;
      for (int64_t i = b; i < e; ++i) z[i] = x[i] + 3.0f * y[i];
    });
    auto t2 = std::chrono::steady_clock::now();
    best_copy = std::min(best_copy, std::chrono::duration<double>(t1 - t0).count());
    best_triad = std::min(best_triad, std::chrono::duration<double>(t2 - t1).count());
  }
  // An in-place triad through ATen's vectorised kernel (x ← x + 3·y: two reads and one write to
  // memory that was just read, the access pattern of an optimizer step, with no write-allocate
  // traffic); the roofline is the faster of the two.
  at::Tensor tx = at::ones({n}), ty = at::full({n}, 2.0);
  double best_aten = 1e30;
  for (int64_t r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    tx.add_(ty, 3.0);
    auto t1 = std::chrono::steady_clock::now();
    best_aten = std::min(best_aten, std::chrono::duration<double>(t1 - t0).count());
  }
  Napi::Object out = Napi::Object::New(a.env());
  out.Set("copyGBs", 2.0 * 4 * n / best_copy / 1e9);
  out.Set("loopTriadGBs", 3.0 * 4 * n / best_triad / 1e9);
  out.Set("atenTriadGBs", 3.0 * 4 * n / best_aten / 1e9);
  out.Set("triadGBs", std::max(3.0 * 4 * n / best_triad, 3.0 * 4 * n / best_aten) / 1e9);
  out.Set("check", static_cast<double>(pz[n - 1]));
  return out;
}

}  // namespace

const std::vector<FunctionEntry>& BenchEntries() {
  static const std::vector<FunctionEntry> entries = {SG_ENTRY("stream", Stream)};
  return entries;
}

}  // namespace sgoptim
