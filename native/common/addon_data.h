// Per-addon state (no globals): the constructors JavaScript objects are made from.
#pragma once

#include <napi.h>

namespace sgoptim {

struct AddonData {
  Napi::FunctionReference tensor_constructor;
  Napi::FunctionReference optimizer_constructor;
};

inline AddonData& GetAddonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace sgoptim
