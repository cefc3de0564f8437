// The one process group of an addon instance (PyTorch's default group): the TCPStore rendezvous
// and the c10d backend (ProcessGroupGloo; ProcessGroupNCCL in CUDA builds) behind it, kept in
// AddonData so that a worker thread's addon has its own.
#pragma once

#include <napi.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

// Before any TORCH_VERSION_MAJOR test below: without it the test sees 0 and picks 1.13's types
// under 2.x, and files that include this header first disagree with the rest on c10d's classes.
#include <torch/version.h>

#include <torch/csrc/distributed/c10d/Store.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>

#if TORCH_VERSION_MAJOR >= 2
#include <torch/csrc/distributed/c10d/Backend.hpp>
#else
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#endif

namespace sgoptim {

// What every backend's collectives are called on: c10d::Backend since 2.0, ProcessGroup before.
#if TORCH_VERSION_MAJOR >= 2
using C10dBackend = c10d::Backend;
#else
using C10dBackend = c10d::ProcessGroup;
#endif

struct GradientReducer;  // native/distributed/gradient_reducer.h

struct DistributedGroup {
  std::string backend;  // 'gloo' or 'nccl'
  int rank = 0;
  int world_size = 1;
  std::chrono::milliseconds timeout{0};
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<C10dBackend> pg;
  // DistributedDataParallel's reducers by id: they end with the group (their hooks then do nothing).
  std::map<int64_t, std::shared_ptr<GradientReducer>> reducers;
  int64_t next_reducer = 1;
};

// The initialised group, or an Error saying initProcessGroup comes first.
DistributedGroup& CurrentGroup(Napi::Env env);

// Waits for a collective with the group's timeout; c10d's failures (a peer gone, a timeout)
// become a JavaScript Error naming the collective.
void WaitWork(const DistributedGroup& group, const c10::intrusive_ptr<c10d::Work>& work, const char* what);

}  // namespace sgoptim
