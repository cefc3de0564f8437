// The JavaScript bindings of DistributedDataParallel's gradient reducer
// (native/distributed/gradient_reducer.cc): attach, prepare after a forward, no_sync, info, detach.
#include <torch/version.h>

#include "distributed/gradient_reducer.h"

#include "common/addon_data.h"
#include "common/args.h"
#include "common/errors.h"
#include "distributed/distributed_entries.h"

namespace sgoptim {

namespace {

std::shared_ptr<GradientReducer> Find(Napi::Env env, int64_t id) {
  auto& reducers = CurrentGroup(env).reducers;
  auto it = reducers.find(id);
  if (it == reducers.end()) throw Napi::Error::New(env, "DistributedDataParallel: gradient reducer " + std::to_string(id) + " is detached");
  return it->second;
}

// ddpAttach(params, bucketCapBytes) -> id
Napi::Value Attach(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  DistributedGroup& g = CurrentGroup(env);
  std::vector<at::Tensor> params = a.tensorList(0, "params");
  double cap = a.number(1, "bucketCapBytes");
  if (!(cap > 0)) throw Napi::RangeError::New(env, "bucketCapBytes must be positive, got " + FormatNumber(cap));
  for (size_t i = 0; i < params.size(); ++i) {
    const at::Tensor& p = params[i];
    if (!p.requires_grad() || !p.is_leaf()) throw Napi::TypeError::New(env, "params[" + std::to_string(i) + "] must be a leaf tensor that requires grad");
    if (g.backend == "gloo" && !p.device().is_cpu()) throw Napi::TypeError::New(env, "params[" + std::to_string(i) + "] is on " + DeviceName(p.device()) + ": backend 'gloo' reduces CPU tensors here");
  }
  auto r = std::make_shared<GradientReducer>(g, params, cap);
  std::weak_ptr<GradientReducer> weak = r;
  // The tensor hooks live on the parameters (they outlast every graph): they make sure each
  // pass queues its final callback, hooked AccumulateGrad nodes or not.
  for (const at::Tensor& p : params) {
    r->tensor_hook_ids.push_back(p.register_hook([weak](const at::Tensor&) {
      if (auto self = weak.lock()) self->GradientArriving();
    }));
  }
  int64_t id = g.next_reducer++;
  g.reducers[id] = r;
  return Napi::Number::New(env, static_cast<double>(id));
}

Napi::Value Detach(const Napi::CallbackInfo& info) {
  Args a(info);
  auto& slot = GetAddonData(a.env()).distributed;
  if (!slot) return a.env().Undefined();  // the group is gone, and its reducers with it
  auto it = slot->reducers.find(a.integer(0, "id"));
  if (it == slot->reducers.end()) return a.env().Undefined();
  GradientReducer& r = *it->second;
  for (size_t i = 0; i < r.params.size(); ++i) {
    auto strong = r.params[i].lock();
    if (strong) at::Tensor(std::move(strong)).remove_hook(r.tensor_hook_ids[i]);
  }
  r.RemoveNodeHooks();
  slot->reducers.erase(it);
  return a.env().Undefined();
}

// ddpPrepare(id): after a forward, hooks the AccumulateGrad nodes its graph uses. Nothing once
// the reducer (or the group) is gone: a forward after detachHooks() stays a local forward.
Napi::Value Prepare(const Napi::CallbackInfo& info) {
  Args a(info);
  auto& slot = GetAddonData(a.env()).distributed;
  if (!slot) return a.env().Undefined();
  auto it = slot->reducers.find(a.integer(0, "id"));
  if (it != slot->reducers.end()) it->second->Prepare();
  return a.env().Undefined();
}

// ddpSetRequireSync(id, sync): false while in no_sync() (gradients accumulate locally).
Napi::Value SetRequireSync(const Napi::CallbackInfo& info) {
  Args a(info);
  Find(a.env(), a.integer(0, "id"))->require_sync = a.boolean(1, "sync");
  return a.env().Undefined();
}

// ddpInfo(id) -> { buckets: number[][] (parameter indices), passes, bucketsLaunchedInBackward, gradientHookCalls }
Napi::Value ReducerInfo(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  auto r = Find(env, a.integer(0, "id"));
  Napi::Array buckets = Napi::Array::New(env, r->buckets.size());
  for (uint32_t b = 0; b < r->buckets.size(); ++b) {
    Napi::Array idx = Napi::Array::New(env, r->buckets[b].size());
    for (uint32_t k = 0; k < r->buckets[b].size(); ++k) idx.Set(k, static_cast<double>(r->buckets[b][k]));
    buckets.Set(b, idx);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("buckets", buckets);
  out.Set("passes", static_cast<double>(r->passes));
  out.Set("bucketsLaunchedInBackward", static_cast<double>(r->last_launched_in_backward));
  out.Set("gradientHookCalls", static_cast<double>(r->last_hook_calls));
  return out;
}

}  // namespace

const std::vector<FunctionEntry>& GradientReducerEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("ddpAttach", Attach),
      SG_ENTRY("ddpDetach", Detach),
      SG_ENTRY("ddpPrepare", Prepare),
      SG_ENTRY("ddpSetRequireSync", SetRequireSync),
      SG_ENTRY("ddpInfo", ReducerInfo),
  };
  return entries;
}

}  // namespace sgoptim
