// Binding table of the serialize concept (torch.save / torch.load compatible bytes).
#pragma once

#include <vector>

#include "common/errors.h"

namespace sgoptim {

const std::vector<FunctionEntry>& SerializeEntries();

}  // namespace sgoptim
