// Binding table of the benchmark helpers (the memory-bandwidth roofline).
#pragma once

#include <vector>

#include "common/errors.h"

namespace sgoptim {

const std::vector<FunctionEntry>& BenchEntries();

}  // namespace sgoptim
