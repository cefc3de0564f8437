// initProcessGroup and its companions: PyTorch's init_process_group(init_method="env://") on
// c10d. Rank 0 hosts the TCPStore at MASTER_ADDR:MASTER_PORT and waits for WORLD_SIZE clients;
// the backend (ProcessGroupGloo, or ProcessGroupNCCL in CUDA builds) rendezvouses through it.
// Everything is synchronous with a timeout: a missing peer is an Error after timeoutMs, never a
// hang. The TypeScript side (lib/distributed/process-group.ts) reads and checks the environment.
#include <torch/version.h>

#include "distributed/process_group.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(SG_WITH_NCCL) && defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "common/addon_data.h"
#include "common/args.h"
#include "common/errors.h"
#include "distributed/distributed_entries.h"

namespace sgoptim {

DistributedGroup& CurrentGroup(Napi::Env env) {
  auto& group = GetAddonData(env).distributed;
  if (!group) throw Napi::Error::New(env, "the default process group is not initialised: call sg.distributed.initProcessGroup() first");
  return *group;
}

void WaitWork(const DistributedGroup& group, const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
  try {
    if (!work->wait(group.timeout)) throw std::runtime_error("timed out");
  } catch (const c10::Error& e) {
    throw std::runtime_error(std::string(what) + " failed on rank " + std::to_string(group.rank) + " (" + group.backend + "): " + CleanTorchMessage(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(what) + " failed on rank " + std::to_string(group.rank) + " (" + group.backend + "): " + e.what());
  }
}

namespace {

c10::intrusive_ptr<C10dBackend> MakeBackend(Napi::Env env, const std::string& backend, const c10::intrusive_ptr<c10d::Store>& store, int rank, int size, std::chrono::milliseconds timeout) {
  if (backend == "gloo") {
#ifdef USE_C10D_GLOO
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    return c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
#else
    throw Napi::Error::New(env, "sg-optim was built without c10d Gloo: its LibTorch has no ProcessGroupGloo (rebuild against a LibTorch with USE_C10D_GLOO)");
#endif
  }
  if (backend == "nccl") {
#if defined(SG_WITH_NCCL) && defined(USE_C10D_NCCL)
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size, options);
#else
    throw Napi::Error::New(env, "sg-optim was built without NCCL: backend 'nccl' needs a CUDA build against a LibTorch with USE_C10D_NCCL; use backend 'gloo'");
#endif
  }
  throw Napi::TypeError::New(env, "Expected 'gloo' or 'nccl' for backend but received '" + backend + "'");
}

bool BackendBuiltIn(const std::string& backend) {
#ifdef USE_C10D_GLOO
  if (backend == "gloo") return true;
#endif
#if defined(SG_WITH_NCCL) && defined(USE_C10D_NCCL)
  if (backend == "nccl") return true;
#endif
  return false;
}

// initProcessGroup(backend, rank, worldSize, masterAddr, masterPort, timeoutMs)
Napi::Value InitProcessGroup(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  std::string backend = a.string(0, "backend");
  int64_t rank = a.integer(1, "rank");
  int64_t size = a.integer(2, "worldSize");
  std::string addr = a.string(3, "masterAddr");
  int64_t port = a.integer(4, "masterPort");
  int64_t timeout_ms = a.integer(5, "timeoutMs");
  // The backend first: a name this binary cannot create must not open a port or wait for peers.
  if (backend != "gloo" && backend != "nccl") throw Napi::TypeError::New(env, "Expected 'gloo' or 'nccl' for backend but received '" + backend + "'");
  if (!BackendBuiltIn(backend)) MakeBackend(env, backend, {}, 0, 1, {});  // throws its "built without" error
  if (size < 1 || rank < 0 || rank >= size) throw Napi::RangeError::New(env, "rank " + std::to_string(rank) + " must be in [0, worldSize=" + std::to_string(size) + ")");
  if (port < 1 || port > 65535) throw Napi::RangeError::New(env, "masterPort " + std::to_string(port) + " is not a port (1 to 65535)");
  if (timeout_ms < 1) throw Napi::RangeError::New(env, "timeoutMs " + std::to_string(timeout_ms) + " must be at least 1");
  auto& slot = GetAddonData(env).distributed;
  if (slot) throw Napi::Error::New(env, "the default process group is already initialised (rank " + std::to_string(slot->rank) + " of " + std::to_string(slot->world_size) + "): call destroyProcessGroup() first");

  // Filled in as a local, shared at the end (GCC 12 at -O3 warns falsely about stores through a fresh make_shared).
  DistributedGroup built;
  built.backend = backend;
  built.rank = static_cast<int>(rank);
  built.world_size = static_cast<int>(size);
  built.timeout = std::chrono::milliseconds(timeout_ms);
  std::string where = addr + ":" + std::to_string(port);
  c10::intrusive_ptr<c10d::Store> tcp;
  try {
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<uint16_t>(port);
    opts.isServer = rank == 0;
    opts.numWorkers = static_cast<size_t>(size);
    opts.waitWorkers = true;
    opts.timeout = built.timeout;
    tcp = c10::make_intrusive<c10d::TCPStore>(addr, opts);
  } catch (const std::exception& e) {
    std::string msg = dynamic_cast<const c10::Error*>(&e) ? CleanTorchMessage(static_cast<const c10::Error&>(e).what_without_backtrace()) : e.what();
    throw Napi::Error::New(env, "initProcessGroup: rank " + std::to_string(rank) + " of WORLD_SIZE=" + std::to_string(size) + " could not rendezvous at MASTER_ADDR:MASTER_PORT=" + where + " within " + std::to_string(timeout_ms) + " ms: " + msg);
  }
  // Every rank publishes the world size it was given: a launcher and a worker that disagree
  // (rank 0 waits for 3, the others think 2) fail here, naming both numbers.
  std::string size_key = "sg_world_size_of/" + std::to_string(rank);
  std::string text = std::to_string(size);
  tcp->set(size_key, std::vector<uint8_t>(text.begin(), text.end()));
  if (rank != 0) {
    std::vector<uint8_t> zero;
    try {
      tcp->wait({"sg_world_size_of/0"}, built.timeout);
      zero = tcp->get("sg_world_size_of/0");
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, "initProcessGroup: rank " + std::to_string(rank) + " found no rank 0 at " + where + ": " + e.what());
    }
    std::string theirs(zero.begin(), zero.end());
    if (theirs != text) throw Napi::RangeError::New(env, "initProcessGroup: WORLD_SIZE=" + text + " on rank " + std::to_string(rank) + " but WORLD_SIZE=" + theirs + " on rank 0: every process must be given the same WORLD_SIZE");
  }
  // As init_process_group: the default group's keys live under their own prefix.
  built.store = c10::make_intrusive<c10d::PrefixStore>("default_pg", tcp);
  try {
    built.pg = MakeBackend(env, backend, built.store, built.rank, built.world_size, built.timeout);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string msg = dynamic_cast<const c10::Error*>(&e) ? CleanTorchMessage(static_cast<const c10::Error&>(e).what_without_backtrace()) : e.what();
    throw Napi::Error::New(env, "initProcessGroup: backend '" + backend + "' on rank " + std::to_string(rank) + " failed to connect its peers within " + std::to_string(timeout_ms) + " ms: " + msg);
  }
  slot = std::make_shared<DistributedGroup>(std::move(built));
  return env.Undefined();
}

Napi::Value DestroyProcessGroup(const Napi::CallbackInfo& info) {
  GetAddonData(info.Env()).distributed.reset();
  return info.Env().Undefined();
}

Napi::Value IsInitialized(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), static_cast<bool>(GetAddonData(info.Env()).distributed));
}

// { backend, rank, worldSize, timeoutMs } of the initialised group.
Napi::Value ProcessGroupInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DistributedGroup& g = CurrentGroup(env);
  Napi::Object out = Napi::Object::New(env);
  out.Set("backend", g.backend);
  out.Set("rank", g.rank);
  out.Set("worldSize", g.world_size);
  out.Set("timeoutMs", static_cast<double>(g.timeout.count()));
  return out;
}

// Which backends this binary can create.
Napi::Value DistributedBackends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
#ifdef USE_C10D_GLOO
  out.Set(n++, "gloo");
#endif
#if defined(SG_WITH_NCCL) && defined(USE_C10D_NCCL)
  out.Set(n++, "nccl");
#endif
  (void)n;
  return out;
}

}  // namespace

const std::vector<FunctionEntry>& ProcessGroupEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("initProcessGroup", InitProcessGroup),
      SG_ENTRY("destroyProcessGroup", DestroyProcessGroup),
      SG_ENTRY("isProcessGroupInitialized", IsInitialized),
      SG_ENTRY("processGroupInfo", ProcessGroupInfo),
      SG_ENTRY("distributedBackends", DistributedBackends),
  };
  return entries;
}

}  // namespace sgoptim
