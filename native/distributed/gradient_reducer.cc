// DistributedDataParallel's gradient averaging, in C++ so that it runs inside backward():
// a hook on every parameter's gradient queues, once per backward pass, a final callback on
// LibTorch's autograd engine (as PyTorch's c10d Reducer finalises a pass); that callback, which
// runs when every gradient of the pass has been accumulated, flattens the gradients bucket by
// bucket (buckets of about bucketCapBytes, parameters in reverse order as PyTorch's DDP assigns
// them), starts one allreduce per bucket, waits for all of them, divides by the world size and
// writes the averages back into each parameter's .grad. The allreduces start after backward
// (not as buckets fill, as PyTorch's Reducer does): one sync point, the same numbers.
//
// A parameter that got no gradient on this rank in a pass counts as zeros in its bucket and
// receives the average of the others' gradients.
#include <torch/version.h>

#include "distributed/process_group.h"

#include <torch/csrc/autograd/engine.h>


#include "common/addon_data.h"
#include "common/args.h"
#include "common/errors.h"
#include "distributed/distributed_entries.h"

namespace sgoptim {

struct GradientReducer {
  c10::intrusive_ptr<C10dBackend> pg;
  std::string backend;
  int rank = 0;
  int world_size = 1;
  std::chrono::milliseconds timeout{0};
  // Weak: the hooks live on the parameters, which must not be kept alive through them.
  std::vector<c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>> params;
  std::vector<unsigned> hook_ids;
  std::vector<std::vector<size_t>> buckets;  // indices into params
  bool require_sync = true;
  bool queued = false;
  int64_t passes = 0;  // backward passes reduced (for tests and no_sync checks)

  void Finalize();
};

namespace {

at::Tensor Lock(const c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>& w) {
  auto strong = w.lock();
  return strong ? at::Tensor(std::move(strong)) : at::Tensor();
}

}  // namespace

void GradientReducer::Finalize() {
  queued = false;
  if (!require_sync) return;
  DistributedGroup g;
  g.backend = backend;
  g.rank = rank;
  g.world_size = world_size;
  g.timeout = timeout;
  std::vector<std::vector<at::Tensor>> flats(buckets.size());
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  at::NoGradGuard no_grad;
  for (size_t b = 0; b < buckets.size(); ++b) {
    std::vector<at::Tensor> pieces;
    for (size_t i : buckets[b]) {
      at::Tensor p = Lock(params[i]);
      if (!p.defined()) throw std::runtime_error("DistributedDataParallel: a wrapped parameter was freed");
      const at::Tensor& grad = p.grad();
      pieces.push_back(grad.defined() ? grad.reshape({-1}) : at::zeros({p.numel()}, p.options()));
    }
    flats[b] = {at::cat(pieces)};
    c10d::AllreduceOptions opts;
    opts.reduceOp = c10d::ReduceOp::SUM;
    opts.timeout = timeout;
    works.push_back(pg->allreduce(flats[b], opts));
  }
  for (auto& w : works) WaitWork(g, w, "DistributedDataParallel's gradient allreduce");
  for (size_t b = 0; b < buckets.size(); ++b) {
    at::Tensor flat = flats[b][0].div_(world_size);
    int64_t offset = 0;
    for (size_t i : buckets[b]) {
      at::Tensor p = Lock(params[i]);
      int64_t n = p.numel();
      at::Tensor avg = flat.narrow(0, offset, n).view(p.sizes());
      offset += n;
      if (p.grad().defined()) {
        p.mutable_grad().copy_(avg);
      } else {
        p.mutable_grad() = avg.clone();
      }
    }
  }
  ++passes;
}

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
  auto r = std::make_shared<GradientReducer>();
  r->pg = g.pg;
  r->backend = g.backend;
  r->rank = g.rank;
  r->world_size = g.world_size;
  r->timeout = g.timeout;
  // Buckets as PyTorch's DDP: parameters in reverse order (about the order backward produces
  // their gradients), a new bucket when the cap is reached or the dtype/device changes.
  std::vector<size_t> current;
  double bytes = 0;
  for (size_t k = params.size(); k-- > 0;) {
    const at::Tensor& p = params[k];
    bool other_kind = !current.empty() && (params[current.front()].scalar_type() != p.scalar_type() || params[current.front()].device() != p.device());
    if (other_kind || (!current.empty() && bytes >= cap)) {
      r->buckets.push_back(current);
      current.clear();
      bytes = 0;
    }
    current.push_back(k);
    bytes += static_cast<double>(p.numel() * p.element_size());
  }
  if (!current.empty()) r->buckets.push_back(current);
  std::weak_ptr<GradientReducer> weak = r;
  for (const at::Tensor& p : params) {
    r->params.emplace_back(p.getIntrusivePtr());
    r->hook_ids.push_back(p.register_hook([weak](const at::Tensor&) {
      auto self = weak.lock();
      if (!self || self->queued) return;
      self->queued = true;
      torch::autograd::Engine::get_default_engine().queue_callback([weak] {
        if (auto s = weak.lock()) s->Finalize();
      });
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
    at::Tensor p = Lock(r.params[i]);
    if (p.defined()) p.remove_hook(r.hook_ids[i]);
  }
  slot->reducers.erase(it);
  return a.env().Undefined();
}

// ddpSetRequireSync(id, sync): false while in no_sync() (gradients accumulate locally).
Napi::Value SetRequireSync(const Napi::CallbackInfo& info) {
  Args a(info);
  Find(a.env(), a.integer(0, "id"))->require_sync = a.boolean(1, "sync");
  return a.env().Undefined();
}

// ddpInfo(id) -> { buckets: number[][] (parameter indices), passes }
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
  return out;
}

}  // namespace

const std::vector<FunctionEntry>& GradientReducerEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("ddpAttach", Attach),
      SG_ENTRY("ddpDetach", Detach),
      SG_ENTRY("ddpSetRequireSync", SetRequireSync),
      SG_ENTRY("ddpInfo", ReducerInfo),
  };
  return entries;
}

}  // namespace sgoptim
