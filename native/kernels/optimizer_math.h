// The per-element update of each optimizer, shared by the fused CPU loops (native/optim/
// fused_loops.inc) and the CUDA kernels (*.cu, compiled only against a CUDA LibTorch). No ATen
// tensor code here: plain arithmetic on one element, in the same order as the reference path
// (torch::optim for SGD/Adam/AdamW/RMSprop, native/optim/{rmsprop_tf,lamb,lion}.cc for ours), so
// float64 results agree with it to rounding (≤ 1e-12 relative).
//
// Departures from the references: none in the math. Lamb's two reductions (global gradient norm,
// per-tensor norms of p and of the update) are not here: the loops do them (in double), which
// changes the last bits of the clip factor and trust ratio against ATen's summation order.
//
// The functions are `static inline`: the fused loops are compiled once per instruction set
// (native/optim/fused_loops.h), and internal linkage keeps each build's copies its own.
#pragma once

#include <c10/macros/Macros.h>

#include <cmath>

namespace sgoptim {
namespace math {

template <typename T>
C10_HOST_DEVICE static inline T Sqrt(T x) {
  return std::sqrt(x);
}

template <typename T>
C10_HOST_DEVICE static inline T Sign(T x) {
  return static_cast<T>((T(0) < x) - (x < T(0)));
}

// ---- SGD (torch.optim.SGD) ------------------------------------------------------------------
struct SgdScalars {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, first_step;  // first_step: the momentum buffer starts as a copy of d_p
};

// kMomentum: whether `buf` exists (momentum != 0); without it `buf` is not touched.
template <typename T, bool kMomentum>
C10_HOST_DEVICE static inline void SgdElement(T& p, T g, T& buf, const SgdScalars& s) {
  T d_p = g;
  if (s.weight_decay != 0) d_p = d_p + T(s.weight_decay) * p;
  if (kMomentum) {
    T b = s.first_step ? d_p : buf * T(s.momentum) + T(1 - s.dampening) * d_p;
    buf = b;
    d_p = s.nesterov ? d_p + T(s.momentum) * b : b;
  }
  p = p + T(-1 * s.lr) * d_p;
}

// ---- Adam / AdamW (torch.optim.Adam, AdamW) -------------------------------------------------
struct AdamScalars {
  double beta1, beta2, eps, weight_decay, step_size, bias_correction2_sqrt;
  double decay_factor;  // AdamW: 1 − lr·wd applied to p first; Adam: 1 (coupled wd instead)
  bool decoupled, amsgrad;
};

template <typename T>
C10_HOST_DEVICE static inline void AdamElement(T& p, T g, T& m, T& v, T* vmax, const AdamScalars& s) {
  if (s.decoupled) {
    if (s.weight_decay != 0) p = p * T(s.decay_factor);
  } else if (s.weight_decay != 0) {
    g = g + T(s.weight_decay) * p;
  }
  m = m * T(s.beta1) + T(1 - s.beta1) * g;
  v = v * T(s.beta2) + T(1 - s.beta2) * g * g;
  T second = v;
  if (s.amsgrad) {
    T mx = *vmax > v ? *vmax : v;
    *vmax = mx;
    second = mx;
  }
  T denom = Sqrt(second) / T(s.bias_correction2_sqrt) + T(s.eps);
  p = p + T(-s.step_size) * (m / denom);
}

// ---- RMSprop (torch.optim.RMSprop) ----------------------------------------------------------
struct RmspropScalars {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered;
};

// kCentered / kMomentum: whether grad_avg / buf exist; absent ones are not touched.
template <typename T, bool kCentered, bool kMomentum>
C10_HOST_DEVICE static inline void RmspropElement(T& p, T g, T& sq, T& grad_avg, T& buf, const RmspropScalars& s) {
  if (s.weight_decay != 0) g = g + T(s.weight_decay) * p;
  sq = sq * T(s.alpha) + T(1 - s.alpha) * g * g;
  T avg;
  if (kCentered) {
    T ga = grad_avg * T(s.alpha) + T(1 - s.alpha) * g;
    grad_avg = ga;
    avg = Sqrt(sq + T(-1) * ga * ga) + T(s.eps);
  } else {
    avg = Sqrt(sq) + T(s.eps);
  }
  if (kMomentum) {
    T b = buf * T(s.momentum) + g / avg;
    buf = b;
    p = p + T(-s.lr) * b;
  } else {
    p = p + T(-s.lr) * (g / avg);
  }
}

// ---- RMSpropTF (SuperGradients) -------------------------------------------------------------
struct RmspropTfScalars {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered, decoupled_decay, lr_in_momentum;
};

// kCentered / kMomentum: whether grad_avg / buf exist; absent ones are not touched.
template <typename T, bool kCentered, bool kMomentum>
C10_HOST_DEVICE static inline void RmspropTfElement(T& p, T g, T& sq, T& grad_avg, T& buf, const RmspropTfScalars& s) {
  if (s.weight_decay != 0) {
    if (s.decoupled_decay) p = p + T(-s.weight_decay) * p;
    else g = g + T(s.weight_decay) * p;
  }
  const T a = T(1.0 - s.alpha);
  sq = sq + a * (g * g - sq);
  T avg;
  if (kCentered) {
    T ga = grad_avg + a * (g - grad_avg);
    grad_avg = ga;
    avg = Sqrt(sq + T(-1) * ga * ga + T(s.eps));
  } else {
    avg = Sqrt(sq + T(s.eps));
  }
  if (kMomentum) {
    if (s.lr_in_momentum) {
      T b = buf * T(s.momentum) + T(s.lr) * (g / avg);
      buf = b;
      p = p - b;
    } else {
      T b = buf * T(s.momentum) + g / avg;
      buf = b;
      p = p + T(-s.lr) * b;
    }
  } else {
    p = p + T(-s.lr) * (g / avg);
  }
}

// ---- Lion (SuperGradients) ------------------------------------------------------------------
struct LionScalars {
  double lr, beta1, beta2, decay_factor;  // decay_factor = 1 − lr·wd
};

template <typename T>
C10_HOST_DEVICE static inline void LionElement(T& p, T g, T& m, const LionScalars& s) {
  p = p * T(s.decay_factor);
  T c = m * T(s.beta1) + g * T(1 - s.beta1);
  p = p + T(-s.lr) * Sign(c);
  m = m * T(s.beta2) + T(1 - s.beta2) * g;
}

// ---- Lamb (SuperGradients / timm NVLamb) ----------------------------------------------------
struct LambScalars {
  double beta1, beta2, beta3, eps, weight_decay, bias_correction1, bias_correction2_sqrt, lr;
};

template <typename T>
C10_HOST_DEVICE static inline T LambUpdateFromMoments(T p, T m, T v, const LambScalars& s) {
  T denom = Sqrt(v) / T(s.bias_correction2_sqrt) + T(s.eps);
  T u = (m / T(s.bias_correction1)) / denom;
  if (s.weight_decay != 0) u = u + T(s.weight_decay) * p;
  return u;
}


// Stage 1 of the per-parameter pass: scales the gradient by the global clip factor (written back,
// as SuperGradients divides p.grad in place), updates the moments and returns the update u.
template <typename T>
C10_HOST_DEVICE static inline T LambMomentsAndUpdate(T p, T& g, T& m, T& v, T clip, const LambScalars& s) {
  g = g / clip;
  m = m * T(s.beta1) + T(s.beta3) * g;
  v = v * T(s.beta2) + T(1 - s.beta2) * g * g;
  return LambUpdateFromMoments(p, m, v, s);
}

// Stage 2: p ← p − lr·(trust·u).
template <typename T>
C10_HOST_DEVICE static inline void LambApply(T& p, T u, T trust, const LambScalars& s) {
  p = p + T(-s.lr) * (u * trust);
}

// ---- Helpers of the torch.optim optimizers below, as ATen computes them -----------------------
// torch.lerp with a scalar weight: self + w·(end − self) for |w| < 0.5, else end − (end − self)·(1 − w).
template <typename T>
C10_HOST_DEVICE static inline T Lerp(T self, T end, T weight) {
  return (weight < T(0.5) && weight > T(-0.5)) ? self + weight * (end - self) : end - (end - self) * (T(1) - weight);
}

template <typename T>
C10_HOST_DEVICE static inline T Abs(T x) {
  return x < T(0) ? -x : x;
}

// torch.maximum: NaN in either argument gives NaN.
template <typename T>
C10_HOST_DEVICE static inline T MaxPropagateNan(T a, T b) {
  return (a != a || a > b) ? a : b;
}

// ---- Adagrad (torch.optim.Adagrad) ----------------------------------------------------------
struct AdagradScalars {
  double clr, weight_decay, eps;  // clr = lr / (1 + (step − 1)·lr_decay)
};

template <typename T>
C10_HOST_DEVICE static inline void AdagradElement(T& p, T g, T& sum, const AdagradScalars& s) {
  if (s.weight_decay != 0) g = g + T(s.weight_decay) * p;
  sum = sum + T(1) * g * g;
  T std = Sqrt(sum) + T(s.eps);
  p = p + T(-s.clr) * g / std;
}

// ---- Adadelta (torch.optim.Adadelta) --------------------------------------------------------
struct AdadeltaScalars {
  double lr, rho, eps, weight_decay;
};

template <typename T>
C10_HOST_DEVICE static inline void AdadeltaElement(T& p, T g, T& square_avg, T& acc_delta, const AdadeltaScalars& s) {
  if (s.weight_decay != 0) g = g + T(s.weight_decay) * p;
  square_avg = square_avg * T(s.rho) + T(1 - s.rho) * g * g;
  T std = Sqrt(square_avg + T(s.eps));
  T delta = Sqrt(acc_delta + T(s.eps)) / std * g;
  acc_delta = acc_delta * T(s.rho) + T(1 - s.rho) * delta * delta;
  p = p + T(-s.lr) * delta;
}

// ---- Adamax (torch.optim.Adamax) ------------------------------------------------------------
struct AdamaxScalars {
  double beta1, beta2, eps, weight_decay, clr;  // clr = lr / (1 − beta1^step)
};

template <typename T>
C10_HOST_DEVICE static inline void AdamaxElement(T& p, T g, T& exp_avg, T& exp_inf, const AdamaxScalars& s) {
  if (s.weight_decay != 0) g = g + T(s.weight_decay) * p;
  exp_avg = Lerp(exp_avg, g, T(1 - s.beta1));
  exp_inf = MaxPropagateNan(exp_inf * T(s.beta2), Abs(g) + T(s.eps));
  p = p + T(-s.clr) * exp_avg / exp_inf;
}

// ---- NAdam (torch.optim.NAdam) --------------------------------------------------------------
struct NadamScalars {
  double beta1, beta2, eps, weight_decay, bias_correction2;
  double grad_coef, exp_avg_coef;  // −lr(1 − μ_t)/(1 − Πμ) and −lr·μ_{t+1}/(1 − Πμ·μ_{t+1})
  double decay_factor;             // 1 − lr·wd (decoupled)
  bool decoupled;
};

template <typename T>
C10_HOST_DEVICE static inline void NadamElement(T& p, T g, T& m, T& v, const NadamScalars& s) {
  if (s.weight_decay != 0) {
    if (s.decoupled) p = p * T(s.decay_factor);
    else g = g + T(s.weight_decay) * p;
  }
  m = Lerp(m, g, T(1 - s.beta1));
  v = v * T(s.beta2) + T(1 - s.beta2) * g * g;
  T denom = Sqrt(v / T(s.bias_correction2)) + T(s.eps);
  p = p + T(s.grad_coef) * g / denom;
  p = p + T(s.exp_avg_coef) * m / denom;
}

// ---- RAdam (torch.optim.RAdam) --------------------------------------------------------------
struct RadamScalars {
  double beta1, beta2, eps, weight_decay, lr, bias_correction1, bias_correction2_sqrt, rect;
  double decay_factor;  // 1 − lr·wd (decoupled)
  bool decoupled;
  bool rectified;  // rho_t > 5: the adaptive, rectified step; else plain momentum
};

template <typename T>
C10_HOST_DEVICE static inline void RadamElement(T& p, T g, T& m, T& v, const RadamScalars& s) {
  if (s.weight_decay != 0) {
    if (s.decoupled) p = p * T(s.decay_factor);
    else g = g + T(s.weight_decay) * p;
  }
  m = Lerp(m, g, T(1 - s.beta1));
  v = v * T(s.beta2) + T(1 - s.beta2) * g * g;
  T corrected = m / T(s.bias_correction1);
  if (s.rectified) {
    // bias_correction2**0.5 / (sqrt(v) + eps): Python's scalar / tensor is reciprocal × scalar.
    T adaptive = T(1) / (Sqrt(v) + T(s.eps)) * T(s.bias_correction2_sqrt);
    p = p + T(-1) * (corrected * T(s.lr) * adaptive * T(s.rect));
  } else {
    p = p + T(-1) * (corrected * T(s.lr));
  }
}

// ---- ASGD (torch.optim.ASGD) ----------------------------------------------------------------
struct AsgdScalars {
  double weight_decay, decay_factor, eta, mu;  // decay_factor = 1 − lambd·eta
};

// kAverage: mu ≠ 1 (ax moves towards p); otherwise ax becomes a copy of p.
template <typename T, bool kAverage>
C10_HOST_DEVICE static inline void AsgdElement(T& p, T g, T& ax, const AsgdScalars& s) {
  if (s.weight_decay != 0) g = g + T(s.weight_decay) * p;
  p = p * T(s.decay_factor);
  p = p + T(-s.eta) * g;
  ax = kAverage ? ax + (p - ax) * T(s.mu) : p;
}

// ---- Rprop (torch.optim.Rprop) --------------------------------------------------------------
struct RpropScalars {
  double etaminus, etaplus, step_size_min, step_size_max;
};

// sign(g·prev) picks the factor (etaplus, etaminus, or 1 where it is 0), the step size is clamped
// (a NaN stays NaN, as ATen's clamp), and where it shrank the gradient counts as 0.
template <typename T>
C10_HOST_DEVICE static inline void RpropElement(T& p, T g, T& prev, T& step_size, const RpropScalars& s) {
  const T sign = Sign(g * prev);
  const T etaminus = T(s.etaminus);
  const T factor = sign > T(0) ? T(s.etaplus) : sign < T(0) ? etaminus
                                                            : T(1);
  T size = step_size * factor;
  if (size == size) {
    size = size < T(s.step_size_min) ? T(s.step_size_min) : size;
    size = size > T(s.step_size_max) ? T(s.step_size_max) : size;
  }
  step_size = size;
  const T d = factor == etaminus ? T(0) : g;
  p = p + T(-1) * Sign(d) * size;
  prev = d;
}

}  // namespace math
}  // namespace sgoptim
