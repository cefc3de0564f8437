// DistributedDataParallel's gradient averaging, in C++ so that it runs inside backward() and
// overlaps it, as PyTorch's c10d Reducer (torch/csrc/distributed/c10d/reducer.cpp) does:
//
// - The parameters are split into buckets of about bucketCapBytes (parameters in reverse order,
//   about the order backward produces their gradients, as PyTorch's DDP assigns them).
// - After each forward of the wrapper, Prepare() puts a post hook on every parameter's
//   AccumulateGrad node (the node the graph just built points at). The engine runs it once
//   the parameter's gradient is accumulated into .grad. The engine sums every incoming
//   gradient of a leaf in one input buffer and runs its AccumulateGrad once per backward pass,
//   so a weight used twice in one graph becomes ready once, with its whole gradient (the shared
//   weights test checks this: one hook call per parameter).
// - When every parameter of a bucket is ready, the bucket is copied out of the .grads into one
//   flat buffer and its allreduce (a sum) starts: c10d returns a Work at once, and Gloo
//   reduces on its own threads while backward goes on. Buckets start in bucket order on every
//   rank, as c10d matches collectives by their order: a bucket ready early waits for the ones
//   before it.
// - A tensor hook on every parameter (its gradient reaching AccumulateGrad) queues, once per
//   pass, a final callback on LibTorch's autograd engine, which runs when the pass has ended.
//   It starts the buckets still waiting (a parameter that got no gradient on this rank this
//   pass counts as its .grad, zeros when it has none, and receives the average of the
//   others'), waits for every allreduce (the group's timeout; a failure names the rank),
//   divides by the world size and writes the averages back into .grad.
//
// Known limit: the buckets share the default group with every other collective. A collective
// inside backward (SyncBatchNorm's) sits between the same buckets on every rank only when the
// ranks' graphs are alike. Let a parameter get a gradient on some ranks only, and its bucket
// starts during backward on those ranks but at the end on the others: the collectives no
// longer pair up (a Gloo size error, a timeout, or wrong sums when the sizes match). Before,
// every bucket started after backward. PyTorch's Reducer shares the group in the same way. A
// process group of the reducer's own would remove this (follow-up).
//
// The copy is taken from .grad after accumulation, not from the incoming gradient, so that
// passes under noSync (require_sync false: nothing is reduced) followed by a synced pass
// average the accumulated gradients. Without Prepare (a forward that bypassed the wrapper, or
// a parameter's node replaced since), the tensor hooks still queue the final callback, which
// then starts every bucket: the same numbers, no overlap.
#include "distributed/gradient_reducer.h"

#include <torch/csrc/autograd/engine.h>

#include <stdexcept>
#include <string>

namespace sgoptim {

namespace {

// The post hook on a parameter's AccumulateGrad node. It holds the reducer weakly: the node
// can outlive it (a graph kept with retain_graph), and then the hook does nothing.
class ReadyHook : public torch::autograd::FunctionPostHook {
 public:
  ReadyHook(std::weak_ptr<GradientReducer> reducer, size_t index) : reducer_(std::move(reducer)), index_(index) {}

  torch::autograd::variable_list operator()(const torch::autograd::variable_list& outputs, const torch::autograd::variable_list& /*inputs*/) override {
    if (auto r = reducer_.lock()) r->MarkReady(index_);
    return outputs;
  }

 private:
  std::weak_ptr<GradientReducer> reducer_;
  size_t index_;
};

}  // namespace

GradientReducer::GradientReducer(const DistributedGroup& g, const std::vector<at::Tensor>& ps, double cap) : pg(g.pg) {
  group.backend = g.backend;
  group.rank = g.rank;
  group.world_size = g.world_size;
  group.timeout = g.timeout;
  for (const at::Tensor& p : ps) params.emplace_back(p.getIntrusivePtr());
  // A new bucket when the cap is reached or the dtype/device changes, as PyTorch's DDP.
  std::vector<size_t> current;
  double bytes = 0;
  for (size_t k = ps.size(); k-- > 0;) {
    const at::Tensor& p = ps[k];
    bool other_kind = !current.empty() && (ps[current.front()].scalar_type() != p.scalar_type() || ps[current.front()].device() != p.device());
    if (other_kind || (!current.empty() && bytes >= cap)) {
      buckets.push_back(current);
      current.clear();
      bytes = 0;
    }
    current.push_back(k);
    bytes += static_cast<double>(p.numel() * p.element_size());
  }
  if (!current.empty()) buckets.push_back(current);
  bucket_of.resize(ps.size());
  for (size_t b = 0; b < buckets.size(); ++b)
    for (size_t i : buckets[b]) bucket_of[i] = b;
  hooked_nodes_.assign(ps.size(), WeakNodeRef(NodeRef()));
  hook_keys_.resize(ps.size(), 0);
}

at::Tensor GradientReducer::Param(size_t index) const {
  auto strong = params[index].lock();
  if (!strong) throw std::runtime_error("DistributedDataParallel: wrapped parameter " + std::to_string(index) + " was freed");
  return at::Tensor(std::move(strong));
}

void GradientReducer::Prepare() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::weak_ptr<GradientReducer> self = shared_from_this();
  for (size_t i = 0; i < params.size(); ++i) {
    auto strong = params[i].lock();
    if (!strong) continue;
    NodeRef node = torch::autograd::impl::try_get_grad_accumulator(at::Tensor(std::move(strong)));
    if (!node || hooked_nodes_[i].lock() == node) continue;  // no graph uses it, or hooked already
    hook_keys_[i] = node->add_post_hook(std::make_unique<ReadyHook>(self, i));
    hooked_nodes_[i] = WeakNodeRef(node);
  }
}

void GradientReducer::RemoveNodeHooks() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < hooked_nodes_.size(); ++i) {
    if (NodeRef node = hooked_nodes_[i].lock()) node->del_post_hook(hook_keys_[i]);
    hooked_nodes_[i] = WeakNodeRef(NodeRef());
  }
}

void GradientReducer::StartPassIfNew() {
  if (!pass_token_.expired()) return;
  // The first gradient of a backward pass. Whatever a failed earlier pass left (its final
  // callback never ran) is dropped: c10d keeps a Work's tensors alive until it completes.
  pass_ = Pass();
  pass_.ready.assign(params.size(), 0);
  pass_.not_ready.resize(buckets.size());
  for (size_t b = 0; b < buckets.size(); ++b) pass_.not_ready[b] = buckets[b].size();
  pass_.flats.resize(buckets.size());
  auto token = std::make_shared<char>(0);
  pass_token_ = token;
  std::weak_ptr<GradientReducer> self = shared_from_this();
  torch::autograd::Engine::get_default_engine().queue_callback([self, token] {
    if (auto r = self.lock()) r->Finalize();
  });
}

void GradientReducer::GradientArriving() {
  std::lock_guard<std::mutex> lock(mutex_);
  StartPassIfNew();
}

void GradientReducer::MarkReady(size_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  StartPassIfNew();
  ++pass_.hook_calls;
  if (!require_sync) return;
  size_t b = bucket_of[index];
  if (pass_.ready[index]) {
    // LibTorch runs a leaf's AccumulateGrad once per pass; should that ever change, a bucket
    // already sent would miss part of the gradient: say so rather than average wrong numbers.
    if (b < pass_.next_bucket) throw std::runtime_error("DistributedDataParallel: parameter " + std::to_string(index) + " got a second gradient in one backward pass after its bucket's allreduce had started");
    return;
  }
  pass_.ready[index] = 1;
  if (--pass_.not_ready[b] > 0 || b != pass_.next_bucket) return;
  while (pass_.next_bucket < buckets.size() && pass_.not_ready[pass_.next_bucket] == 0) {
    LaunchNext();
    ++pass_.launched_in_backward;
  }
}

void GradientReducer::LaunchNext() {
  size_t b = pass_.next_bucket++;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> pieces;
  pieces.reserve(buckets[b].size());
  for (size_t i : buckets[b]) {
    at::Tensor p = Param(i);
    const at::Tensor& grad = p.grad();
    pieces.push_back(grad.defined() ? grad.reshape({-1}) : at::zeros({p.numel()}, p.options()));
  }
  pass_.flats[b] = {at::cat(pieces)};
  c10d::AllreduceOptions opts;
  opts.reduceOp = c10d::ReduceOp::SUM;
  opts.timeout = group.timeout;
  pass_.works.push_back(pg->allreduce(pass_.flats[b], opts));
}

void GradientReducer::Finalize() {
  std::lock_guard<std::mutex> lock(mutex_);
  // Whatever happens below (a failed allreduce), the next gradient starts a new, clean pass.
  pass_token_.reset();
  struct ClearOnExit {
    Pass& pass;
    ~ClearOnExit() { pass = Pass(); }
  } clear{pass_};
  // (pass_.flats is sized when a pass starts; an unstarted pass has nothing to reduce.)
  if (!require_sync || pass_.flats.size() != buckets.size()) return;
  while (pass_.next_bucket < buckets.size()) LaunchNext();
  const Pass& done = pass_;
  for (auto& w : done.works) WaitWork(group, w, "DistributedDataParallel's gradient allreduce");
  at::NoGradGuard no_grad;
  for (size_t b = 0; b < buckets.size(); ++b) {
    at::Tensor flat = done.flats[b][0].div_(group.world_size);
    int64_t offset = 0;
    for (size_t i : buckets[b]) {
      at::Tensor p = Param(i);
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
  last_launched_in_backward = done.launched_in_backward;
  last_hook_calls = done.hook_calls;
  ++passes;
}

}  // namespace sgoptim
