// A sum over ranks that autograd can go through (what SyncBatchNorm's statistics need): the
// result is a new tensor, the sum of every rank's input; its backward is again the sum over
// ranks of the incoming gradients, since every rank's output depends on every rank's input.
// The backward node holds the group weakly: a group destroyed in between is an Error then.
#include <torch/version.h>

#include "distributed/process_group.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include <type_traits>

#include "common/addon_data.h"
#include "common/args.h"
#include "common/errors.h"
#include "distributed/distributed_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

at::Tensor SumOverRanks(DistributedGroup& g, const at::Tensor& t, const char* what) {
  at::Tensor out = t.detach().clone(at::MemoryFormat::Contiguous);
  std::vector<at::Tensor> tensors{out};
  c10d::AllreduceOptions opts;
  opts.reduceOp = c10d::ReduceOp::SUM;
  opts.timeout = g.timeout;
  WaitWork(g, g.pg->allreduce(tensors, opts), what);
  return out;
}

struct SumOverRanksBackward : public torch::autograd::Node {
  std::weak_ptr<DistributedGroup> group;
  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    auto g = group.lock();
    if (!g) throw std::runtime_error("allReduceWithGrad's backward: the process group was destroyed after the forward pass");
    at::NoGradGuard no_grad;
    return {grads[0].defined() ? SumOverRanks(*g, grads[0], "allReduceWithGrad's backward") : at::Tensor()};
  }
  std::string name() const override { return "SumOverRanksBackward"; }
};

// LibTorch's autograd nodes moved from shared_ptr to intrusive_ptr between 1.13 and 2.15.
template <class N>
auto MakeNode() {
  if constexpr (std::is_base_of_v<c10::intrusive_ptr_target, torch::autograd::Node>) {
    return c10::make_intrusive<N>();
  } else {
    return std::make_shared<N>();
  }
}

// allReduceWithGrad(t) -> the sum over ranks, recorded for autograd.
Napi::Value AllReduceWithGrad(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  CurrentGroup(env);  // the Error when there is none
  std::shared_ptr<DistributedGroup> g = GetAddonData(env).distributed;
  at::Tensor& t = a.tensor(0, "tensor");
  if (g->backend == "gloo" && !t.device().is_cpu()) throw Napi::TypeError::New(env, "allReduceWithGrad: backend 'gloo' takes CPU tensors here, got one on " + DeviceName(t.device()));
  at::Tensor out = SumOverRanks(*g, t, "allReduceWithGrad");
  if (t.requires_grad() && torch::autograd::GradMode::is_enabled()) {
    auto node = MakeNode<SumOverRanksBackward>();
    node->group = g;
    node->set_next_edges(torch::autograd::collect_next_edges(t));
    torch::autograd::set_history(out, node);
  }
  return TensorWrap::New(env, out);
}

}  // namespace

const std::vector<FunctionEntry>& DifferentiableCollectiveEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("allReduceWithGrad", AllReduceWithGrad),
  };
  return entries;
}

}  // namespace sgoptim
