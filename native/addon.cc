// The one binding table: registers every concept's classes and functions. No logic here.
#include <napi.h>

#include "bench/bench_entries.h"
#include "common/addon_data.h"
#include "common/runtime.h"
#include "distributed/distributed_entries.h"
#include "optim/optimizer_wrap.h"
#include "serialize/serialize_entries.h"
#include "tensor/tensor_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

void Register(Napi::Env env, Napi::Object exports, const std::vector<FunctionEntry>& table) {
  for (const FunctionEntry& entry : table) exports.Set(entry.name, Napi::Function::New(env, entry.fn, entry.name));
}

}  // namespace

Napi::Object InitAll(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  ConfigureRuntime();
  exports.Set("NativeTensor", TensorWrap::Init(env));
  exports.Set("NativeOptimizer", OptimizerWrap::Init(env));
  Register(env, exports, RuntimeEntries());
  Register(env, exports, TensorApiEntries());
  Register(env, exports, TensorCreationEntries());
  Register(env, exports, TensorMathEntries());
  Register(env, exports, TensorNnEntries());
  Register(env, exports, OptimizerEntries());
  Register(env, exports, SerializeEntries());
  Register(env, exports, BenchEntries());
  Register(env, exports, ProcessGroupEntries());
  Register(env, exports, CollectiveEntries());
  Register(env, exports, GradientReducerEntries());
  Register(env, exports, DifferentiableCollectiveEntries());
  return exports;
}

}  // namespace sgoptim

static Napi::Object Init(Napi::Env env, Napi::Object exports) { return sgoptim::InitAll(env, exports); }

NODE_API_MODULE(sg_optim, Init)
