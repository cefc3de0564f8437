// Binding table of the distributed concept: the process group (native/distributed/process_group.cc)
// its collectives (native/distributed/collectives.cc) and DistributedDataParallel's gradient
// averaging (native/distributed/gradient_reducer_entries.cc).
#pragma once

#include <vector>

#include "common/errors.h"

namespace sgoptim {

const std::vector<FunctionEntry>& ProcessGroupEntries();
const std::vector<FunctionEntry>& CollectiveEntries();
const std::vector<FunctionEntry>& GradientReducerEntries();
// allReduceWithGrad (native/distributed/differentiable_all_reduce.cc): SyncBatchNorm's statistics.
const std::vector<FunctionEntry>& DifferentiableCollectiveEntries();

}  // namespace sgoptim
