// The fused loops compiled with -mavx512f (CMakeLists.txt; x86-64 only): 512-bit vectors, which
// double the throughput of the division and square root that bound Adam-like loops on CPUs with
// full-width AVX-512 units. No FMA contraction (-ffp-contract=off), so the results stay
// bit-identical to the baseline and AVX2 builds.
#if defined(__x86_64__)
#define SG_LOOPS_NS avx512
#define SG_LOOPS_TABLE kAvx512Loops
#define SG_LOOPS_NAME "avx512"
#include "optim/fused_loops.inc"
#endif
