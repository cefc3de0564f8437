// The collectives of the default process group, synchronous and bounded by the group's timeout:
// allReduce and broadcast work in place (as torch.distributed's), allGather returns one new
// tensor per rank. Gloo has no AVG: 'avg' is a SUM divided by the world size, as PyTorch's DDP
// does for Gloo; NCCL does AVG itself.
#include <torch/version.h>

#include "distributed/process_group.h"

#include "common/args.h"
#include "common/errors.h"
#include "distributed/distributed_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

c10d::ReduceOp ParseReduceOp(Napi::Env env, const std::string& op) {
  if (op == "sum" || op == "avg") return c10d::ReduceOp::SUM;
  if (op == "product") return c10d::ReduceOp::PRODUCT;
  if (op == "min") return c10d::ReduceOp::MIN;
  if (op == "max") return c10d::ReduceOp::MAX;
  throw Napi::TypeError::New(env, "Expected one of 'sum', 'avg', 'min', 'max', 'product' for op but received '" + op + "'");
}

// c10d's backends want dense contiguous tensors on the backend's device: a strided view is
// reduced through a contiguous copy written back afterwards, so the call stays in place.
at::Tensor CollectiveInput(Napi::Env env, const DistributedGroup& g, const at::Tensor& t, const char* what) {
  if (!t.defined()) throw Napi::TypeError::New(env, std::string(what) + ": the tensor is disposed");
  if (t.is_sparse()) throw Napi::TypeError::New(env, std::string(what) + ": sparse tensors are not supported");
  if (g.backend == "gloo" && !t.device().is_cpu()) throw Napi::TypeError::New(env, std::string(what) + ": backend 'gloo' takes CPU tensors here, got one on " + DeviceName(t.device()));
  if (g.backend == "nccl" && !t.device().is_cuda()) throw Napi::TypeError::New(env, std::string(what) + ": backend 'nccl' takes CUDA tensors, got one on " + DeviceName(t.device()));
  return t.is_contiguous() ? t : t.contiguous();
}

// allReduce(t, op): in place.
Napi::Value AllReduce(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  DistributedGroup& g = CurrentGroup(env);
  at::Tensor& t = a.tensor(0, "tensor");
  std::string op = a.string(1, "op");
  c10d::ReduceOp reduce = ParseReduceOp(env, op);
  at::Tensor buf = CollectiveInput(env, g, t, "allReduce");
  bool native_avg = op == "avg" && g.backend == "nccl";
  if (op == "avg" && !at::isFloatingType(buf.scalar_type()) && !at::isComplexType(buf.scalar_type())) {
    throw Napi::TypeError::New(env, std::string("allReduce: op 'avg' needs a floating-point tensor, got ") + DtypeName(buf.scalar_type()));
  }
  if (native_avg) reduce = c10d::ReduceOp::AVG;
  std::vector<at::Tensor> tensors{buf};
  c10d::AllreduceOptions opts;
  opts.reduceOp = reduce;
  opts.timeout = g.timeout;
  WaitWork(g, g.pg->allreduce(tensors, opts), "allReduce");
  if (op == "avg" && !native_avg) buf.div_(g.world_size);
  if (!buf.is_same(t)) t.copy_(buf);
  return env.Undefined();
}

// broadcast(t, src): every rank's t becomes src's.
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  DistributedGroup& g = CurrentGroup(env);
  at::Tensor& t = a.tensor(0, "tensor");
  int64_t src = a.integer(1, "src");
  if (src < 0 || src >= g.world_size) throw Napi::RangeError::New(env, "broadcast: src " + std::to_string(src) + " must be a rank in [0, " + std::to_string(g.world_size) + ")");
  at::Tensor buf = CollectiveInput(env, g, t, "broadcast");
  std::vector<at::Tensor> tensors{buf};
  c10d::BroadcastOptions opts;
  opts.rootRank = src;
  opts.timeout = g.timeout;
  WaitWork(g, g.pg->broadcast(tensors, opts), "broadcast");
  if (!buf.is_same(t)) t.copy_(buf);
  return env.Undefined();
}

// allGather(t): [rank 0's t, rank 1's t, ...]; every rank must pass the same shape and dtype.
Napi::Value AllGather(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  DistributedGroup& g = CurrentGroup(env);
  at::Tensor buf = CollectiveInput(env, g, a.tensor(0, "tensor"), "allGather");
  std::vector<at::Tensor> inputs{buf};
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < g.world_size; ++r) outputs[0].push_back(at::empty_like(buf, at::MemoryFormat::Contiguous));
  c10d::AllgatherOptions opts;
  opts.timeout = g.timeout;
  WaitWork(g, g.pg->allgather(outputs, inputs, opts), "allGather");
  Napi::Array out = Napi::Array::New(env, outputs[0].size());
  for (uint32_t r = 0; r < outputs[0].size(); ++r) out.Set(r, TensorWrap::New(env, outputs[0][r]));
  return out;
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DistributedGroup& g = CurrentGroup(env);
  c10d::BarrierOptions opts;
  opts.timeout = g.timeout;
  WaitWork(g, g.pg->barrier(opts), "barrier");
  return env.Undefined();
}

}  // namespace

const std::vector<FunctionEntry>& CollectiveEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("allReduce", AllReduce),
      SG_ENTRY("broadcast", Broadcast),
      SG_ENTRY("allGather", AllGather),
      SG_ENTRY("barrier", Barrier),
  };
  return entries;
}

}  // namespace sgoptim
