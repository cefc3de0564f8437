// DistributedDataParallel's gradient averaging inside backward() (native/distributed/
// gradient_reducer.cc); its JavaScript bindings are native/distributed/gradient_reducer_entries.cc.
#pragma once

// Before process_group.h, whose C10dBackend depends on TORCH_VERSION_MAJOR (without it, this
// file would see c10d::ProcessGroup where the rest of the addon has c10d::Backend).
#include <torch/version.h>

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

#include "distributed/process_group.h"

namespace sgoptim {

// A weak reference to a parameter's AccumulateGrad node. LibTorch 1.13 hands nodes out as
// std::shared_ptr, 2.15 as c10::intrusive_ptr: the weak kind follows the type grad_accumulator()
// returns, so one spelling builds against both.
template <class Strong>
struct WeakOf;
template <class T>
struct WeakOf<std::shared_ptr<T>> {
  using type = std::weak_ptr<T>;
};
template <class T>
struct WeakOf<c10::intrusive_ptr<T>> {
  using type = c10::weak_intrusive_ptr<T>;
};
using NodeRef = decltype(torch::autograd::impl::try_get_grad_accumulator(std::declval<const at::Tensor&>()));
using WeakNodeRef = typename WeakOf<NodeRef>::type;

struct GradientReducer : std::enable_shared_from_this<GradientReducer> {
  using WeakParam = c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>;

  // Buckets as PyTorch's DDP assigns them; hooks on nothing yet (Prepare and the tensor hooks
  // of gradient_reducer_entries.cc come next).
  GradientReducer(const DistributedGroup& group, const std::vector<at::Tensor>& params, double bucket_cap_bytes);

  // Puts the readiness hook on the AccumulateGrad node each parameter has now (the graph a
  // forward just built holds them), unless that node has it already. Called after every
  // forward of the wrapper; a parameter whose node is not hooked is reduced at the end of the
  // pass instead.
  void Prepare();
  // Called by every parameter's tensor hook (its gradient reaches AccumulateGrad): makes sure
  // this backward pass has queued its final callback.
  void GradientArriving();
  // The post hook of parameter `index`'s AccumulateGrad node: its .grad is final for this pass.
  void MarkReady(size_t index);
  // Removes the post hooks from the nodes that are still alive.
  void RemoveNodeHooks();

  c10::intrusive_ptr<C10dBackend> pg;
  DistributedGroup group;  // backend, rank, size and timeout (for WaitWork); not the store
  // Weak: the reducer lives in the group's table and must not keep the model alive.
  std::vector<WeakParam> params;
  std::vector<std::vector<size_t>> buckets;  // indices into params
  std::vector<size_t> bucket_of;             // params[i] is in buckets[bucket_of[i]]
  std::vector<unsigned> tensor_hook_ids;     // register_hook ids, for Detach
  bool require_sync = true;
  int64_t passes = 0;  // backward passes whose gradients were averaged
  // Of the last averaged pass: buckets whose allreduce started before backward ended, and how
  // many times an AccumulateGrad post hook ran (once per parameter that got a gradient).
  int64_t last_launched_in_backward = 0;
  int64_t last_hook_calls = 0;

 private:
  // What one backward pass has done so far.
  struct Pass {
    std::vector<char> ready;                     // per parameter: its post hook ran
    std::vector<size_t> not_ready;               // per bucket: parameters still to come
    size_t next_bucket = 0;                      // buckets below it are launched, in order
    std::vector<std::vector<at::Tensor>> flats;  // per launched bucket, the allreduce's buffer
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    int64_t launched_in_backward = 0;
    int64_t hook_calls = 0;
  };

  void StartPassIfNew();
  void LaunchNext();
  void Finalize();
  at::Tensor Param(size_t index) const;

  std::mutex mutex_;  // hooks may run on the autograd engine's device threads
  Pass pass_;
  // Alive while the current pass's final callback is queued: the callback holds the only
  // strong reference, so it expires when that GraphTask is gone, also after a backward that
  // failed before its final callback (whose half-launched state is then dropped).
  std::weak_ptr<void> pass_token_;
  // Per parameter: the AccumulateGrad node carrying our post hook, and the hook's key there.
  std::vector<WeakNodeRef> hooked_nodes_;
  std::vector<uintptr_t> hook_keys_;
};

}  // namespace sgoptim
