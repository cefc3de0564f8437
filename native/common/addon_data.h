// Per-addon state (no globals): the constructors JavaScript objects are made from.
#pragma once

#include <napi.h>

#include <memory>

namespace sgoptim {

struct DistributedGroup;  // native/distributed/process_group.h

struct AddonData {
  Napi::FunctionReference tensor_constructor;
  Napi::FunctionReference optimizer_constructor;
  // The default process group once initProcessGroup ran (shared_ptr: the type stays incomplete here).
  std::shared_ptr<DistributedGroup> distributed;
};

inline AddonData& GetAddonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace sgoptim
