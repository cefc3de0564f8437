// The binding tables of the tensor concept, registered by addon.cc.
#pragma once

#include <vector>

#include "common/errors.h"

namespace sgoptim {

const std::vector<FunctionEntry>& TensorApiEntries();       // properties, conversion, autograd
const std::vector<FunctionEntry>& TensorCreationEntries();  // tensor(), zeros, randn, ...
const std::vector<FunctionEntry>& TensorMathEntries();      // arithmetic, reductions, shapes, indexing
const std::vector<FunctionEntry>& TensorNnEntries();        // layers' functional forms and losses

}  // namespace sgoptim
