// The fused loops compiled with -mavx2 (CMakeLists.txt; x86-64 only): 256-bit vectors, no FMA.
#if defined(__x86_64__)
#define SG_LOOPS_NS avx2
#define SG_LOOPS_TABLE kAvx2Loops
#define SG_LOOPS_NAME "avx2"
#include "optim/fused_loops.inc"
#endif
