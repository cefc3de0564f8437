// The inner loops of the fused CPU step, over one chunk [begin, end) of one tensor, compiled
// three times: for the x86-64 baseline (SSE2), AVX2 and AVX-512, and picked once at start-up by
// what the CPU supports (SG_OPTIM_KERNELS=generic|avx2|avx512 forces one). The wider builds only
// widen the vectors: no FMA contraction, and IEEE division and sqrt, so all give bit-identical
// results (tested).
// The jobs are plain data; each optimizer's fused step (native/optim/<name>.cc) builds them from
// its state and scalars, and fused_cpu.h runs them in parallel chunks.
#pragma once

#include <cstdint>

#include "kernels/optimizer_math.h"

namespace sgoptim {
namespace fused {

template <typename T>
struct SgdJob {
  T *p, *g, *buf;  // buf null without momentum
  int64_t n;
  math::SgdScalars s;
};

template <typename T>
struct AdamJob {
  T *p, *g, *m, *v, *vmax;  // vmax null without amsgrad
  int64_t n;
  math::AdamScalars s;
};

template <typename T, typename Scalars>
struct RmsJob {
  T *p, *g, *sq, *grad_avg, *buf;  // grad_avg null unless centered, buf null without momentum
  int64_t n;
  Scalars s;
};

template <typename T>
struct LionJob {
  T *p, *g, *m;
  int64_t n;
  math::LionScalars s;
};

template <typename T>
struct LambJob {
  T *p, *g, *m, *v;
  int64_t n;
  math::LambScalars s;
  bool adapt, trust_clip;
  double trust = 1;  // 1 where the trust ratio does not apply
};

// Adagrad, Adadelta, Adamax, NAdam, RAdam: a parameter, its gradient and two or one state buffers.
template <typename T>
struct AdagradJob {
  T *p, *g, *sum;
  int64_t n;
  math::AdagradScalars s;
};

template <typename T>
struct AdadeltaJob {
  T *p, *g, *square_avg, *acc_delta;
  int64_t n;
  math::AdadeltaScalars s;
};

template <typename T>
struct AdamaxJob {
  T *p, *g, *exp_avg, *exp_inf;
  int64_t n;
  math::AdamaxScalars s;
};

template <typename T>
struct NadamJob {
  T *p, *g, *exp_avg, *exp_avg_sq;
  int64_t n;
  math::NadamScalars s;
};

template <typename T>
struct RadamJob {
  T *p, *g, *exp_avg, *exp_avg_sq;
  int64_t n;
  math::RadamScalars s;
};

template <typename T>
struct AsgdJob {
  T *p, *g, *ax;
  int64_t n;
  math::AsgdScalars s;
};

template <typename T>
struct RpropJob {
  T *p, *g, *prev, *step_size;
  int64_t n;
  math::RpropScalars s;
};

// One chunk of each optimizer's loop, for one element type.
template <typename T>
struct LoopsFor {
  void (*sgd)(const SgdJob<T>&, int64_t begin, int64_t end);
  void (*adam)(const AdamJob<T>&, int64_t begin, int64_t end);
  void (*rmsprop)(const RmsJob<T, math::RmspropScalars>&, int64_t begin, int64_t end);
  void (*rmsprop_tf)(const RmsJob<T, math::RmspropTfScalars>&, int64_t begin, int64_t end);
  void (*lion)(const LionJob<T>&, int64_t begin, int64_t end);
  // Lamb stage 1: moments and update; writes the chunk's sums of p² and u² (g / clip written back
  // only when `clipped`, as g / 1 == g).
  void (*lamb_moments)(const LambJob<T>&, int64_t begin, int64_t end, T clip, bool clipped, double* p_sq, double* u_sq);
  // Lamb stage 2: p ← p − lr·trust·u, u recomputed from the new moments.
  void (*lamb_apply)(const LambJob<T>&, int64_t begin, int64_t end);
  double (*sum_of_squares)(const T* x, int64_t begin, int64_t end);
  void (*adagrad)(const AdagradJob<T>&, int64_t begin, int64_t end);
  void (*adadelta)(const AdadeltaJob<T>&, int64_t begin, int64_t end);
  void (*adamax)(const AdamaxJob<T>&, int64_t begin, int64_t end);
  void (*nadam)(const NadamJob<T>&, int64_t begin, int64_t end);
  void (*radam)(const RadamJob<T>&, int64_t begin, int64_t end);
  void (*asgd)(const AsgdJob<T>&, int64_t begin, int64_t end);
  void (*rprop)(const RpropJob<T>&, int64_t begin, int64_t end);
};

struct Loops {
  const char* name;
  LoopsFor<float> f32;
  LoopsFor<double> f64;
};

extern const Loops kGenericLoops;
#if defined(__x86_64__)
extern const Loops kAvx2Loops;
extern const Loops kAvx512Loops;
#endif

// The loops for this CPU, chosen at the first call (or the ones SelectLoops set since).
const Loops& SelectedLoops();

// The loops built under `name` ("generic", "avx2", "avx512") that this CPU can run, or null. "auto" is the
// start-up choice. Tests step every optimizer under each build in one process.
const Loops* LoopsNamed(const char* name);
void SelectLoops(const Loops& loops);

}  // namespace fused
}  // namespace sgoptim
