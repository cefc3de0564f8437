#include "optim/fused_cpu.h"

#include <algorithm>

namespace sgoptim {

bool FusedEligible(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      const at::Tensor& g = p.grad();
      if (!g.defined()) continue;
      if (!p.device().is_cpu() || !p.is_contiguous() || (p.scalar_type() != at::kFloat && p.scalar_type() != at::kDouble)) return false;
      if (!g.device().is_cpu() || !g.is_contiguous() || g.scalar_type() != p.scalar_type() || g.numel() != p.numel() || g.is_sparse()) return false;
    }
  }
  return true;
}

namespace fused {

constexpr int64_t kChunk = 1 << 15;  // elements per work item: big enough to stream, small enough to balance

std::vector<Span> Chunks(const std::vector<int64_t>& sizes) {
  std::vector<Span> spans;
  for (size_t j = 0; j < sizes.size(); ++j) {
    for (int64_t b = 0; b < sizes[j]; b += kChunk) spans.push_back({j, b, std::min<int64_t>(sizes[j], b + kChunk)});
  }
  return spans;
}

}  // namespace fused
}  // namespace sgoptim
