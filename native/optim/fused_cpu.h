// The fused CPU path's machinery: one pass over memory per step for all groups and tensors, split
// in chunks across tensors so many small tensors parallelise too. Each optimizer's fused step
// (in its own file) builds plain jobs from the same state objects its reference step uses, so
// the paths can be mixed within one run, and runs them here through the loops of
// native/optim/fused_loops.h.
#pragma once

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "optim/fused_loops.h"

namespace sgoptim {

// Whether every parameter with a gradient is a contiguous CPU float32/float64 tensor whose
// gradient has the same dtype and layout.
bool FusedEligible(torch::optim::Optimizer& optimizer);

namespace fused {

// One chunk [begin, end) of job `job`'s elements.
struct Span {
  size_t job;
  int64_t begin, end;
};

// Every job's elements (sizes[job] each) in chunks big enough to stream, small enough to balance.
std::vector<Span> Chunks(const std::vector<int64_t>& sizes);

// Calls f(job, begin, end) for chunks of every job's elements, in parallel.
template <typename F>
void ForEachChunk(const std::vector<int64_t>& sizes, F&& f) {
  const std::vector<Span> spans = Chunks(sizes);
  at::parallel_for(0, static_cast<int64_t>(spans.size()), 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) f(spans[i].job, spans[i].begin, spans[i].end);
  });
}

// The loops of this element type in the instruction set chosen for this CPU.
template <typename T>
const LoopsFor<T>& LoopsOf();
template <>
inline const LoopsFor<float>& LoopsOf<float>() {
  return SelectedLoops().f32;
}
template <>
inline const LoopsFor<double>& LoopsOf<double>() {
  return SelectedLoops().f64;
}

// The element type of a vector of jobs (float or double).
template <typename Jobs>
using ElementOf = std::remove_pointer_t<decltype(std::declval<Jobs>()[0].p)>;

// A tensor's data, or null for an undefined tensor (an absent buffer).
template <typename T>
T* Ptr(const at::Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

// Runs one loop over every job: `pick(loops)` chooses the LoopsFor member (loops.sgd, ...).
template <typename Job, typename Pick>
void RunJobs(const std::vector<Job>& jobs, Pick&& pick) {
  std::vector<int64_t> sizes;
  sizes.reserve(jobs.size());
  for (auto& j : jobs) sizes.push_back(j.n);
  const auto loop = pick(LoopsOf<ElementOf<const std::vector<Job>&>>());
  ForEachChunk(sizes, [&](size_t k, int64_t b, int64_t e) { loop(jobs[k], b, e); });
}

// Float32 and float64 jobs of one loop (jobs hold typed pointers).
template <template <typename> class Job>
struct JobsByDtype {
  std::vector<Job<float>> f32;
  std::vector<Job<double>> f64;
  // Adds the job for parameter `p`: make(T{}) builds it with pointers of p's element type.
  template <typename Make>
  void add(const at::Tensor& p, Make&& make) {
    if (p.scalar_type() == at::kFloat) f32.push_back(make(float{}));
    else f64.push_back(make(double{}));
  }
  template <typename Pick>
  void run(Pick&& pick) {
    RunJobs(f32, pick);
    RunJobs(f64, pick);
  }
};

}  // namespace fused
}  // namespace sgoptim
