// Tensor properties, conversion and autograd. One handle in, plain values or new handles out.
// (The process-wide switches, seed, grad mode and threads, are native/common/runtime.cc's.)
#include <ATen/ATen.h>

#include <cstring>
#include <sstream>

#include "common/args.h"
#include "common/errors.h"
#include "tensor/tensor_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

Napi::Value Wrap(Napi::Env env, at::Tensor t) { return TensorWrap::New(env, std::move(t)); }

Napi::Value Shape(const Napi::CallbackInfo& info) {
  Args a(info);
  auto sizes = a.tensor(0, "tensor").sizes();
  Napi::Array out = Napi::Array::New(a.env(), sizes.size());
  for (uint32_t k = 0; k < sizes.size(); ++k) out.Set(k, Napi::Number::New(a.env(), static_cast<double>(sizes[k])));
  return out;
}

Napi::Value Dtype(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::String::New(a.env(), DtypeName(a.tensor(0, "tensor").scalar_type()));
}

Napi::Value Device(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::String::New(a.env(), DeviceName(a.tensor(0, "tensor").device()));
}

Napi::Value Numel(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Number::New(a.env(), static_cast<double>(a.tensor(0, "tensor").numel()));
}

Napi::Value Dim(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Number::New(a.env(), static_cast<double>(a.tensor(0, "tensor").dim()));
}

Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Boolean::New(a.env(), a.tensor(0, "tensor").requires_grad());
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  Args a(info);
  a.tensor(0, "tensor").set_requires_grad(a.boolean(1, "requiresGrad"));
  return a.env().Undefined();
}

Napi::Value IsLeaf(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Boolean::New(a.env(), a.tensor(0, "tensor").is_leaf());
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  Args a(info);
  const at::Tensor& g = a.tensor(0, "tensor").grad();
  if (!g.defined()) return a.env().Null();
  return Wrap(a.env(), g);
}

Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& t = a.tensor(0, "tensor");
  auto g = a.optTensor(1, "grad");
  if (!g) {
    t.mutable_grad() = at::Tensor();
    return a.env().Undefined();
  }
  if (g->sizes() != t.sizes()) {
    throw Napi::RangeError::New(a.env(), "assigned grad has shape " + ShapeString(g->sizes()) +
                                             " but the tensor has shape " + ShapeString(t.sizes()));
  }
  if (g->scalar_type() != t.scalar_type()) {
    throw Napi::TypeError::New(a.env(), std::string("assigned grad has dtype ") + DtypeName(g->scalar_type()) +
                                            " but the tensor has dtype " + DtypeName(t.scalar_type()));
  }
  if (g->device() != t.device()) {
    throw Napi::TypeError::New(a.env(), "assigned grad is on " + DeviceName(g->device()) + " but the tensor is on " +
                                            DeviceName(t.device()));
  }
  t.mutable_grad() = *g;
  return a.env().Undefined();
}

Napi::Value Backward(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& t = a.tensor(0, "tensor");
  auto gradient = a.optTensor(1, "gradient");
  bool retain = !a.isNullish(2) && a.boolean(2, "retain_graph");
  if (!gradient && t.numel() != 1) {
    throw Napi::Error::New(a.env(), "grad can be implicitly created only for scalar outputs; the tensor has shape " +
                                        ShapeString(t.sizes()) + ", pass a gradient to backward()");
  }
  t.backward(gradient ? *gradient : at::Tensor(), retain);
  return a.env().Undefined();
}

Napi::Value Detach(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a.env(), a.tensor(0, "tensor").detach());
}

Napi::Value Clone(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a.env(), a.tensor(0, "tensor").clone());
}

Napi::Value Contiguous(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a.env(), a.tensor(0, "tensor").contiguous());
}

Napi::Value IsContiguous(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Boolean::New(a.env(), a.tensor(0, "tensor").is_contiguous());
}

// to(tensor, dtype | null, device | null)
Napi::Value To(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor t = a.tensor(0, "tensor");
  auto dtype = a.optDtype(1, "dtype");
  if (!a.isNullish(2)) t = t.to(a.device(2, "device"));
  if (dtype) t = t.to(*dtype);
  return Wrap(a.env(), t);
}

template <typename T>
Napi::Value CopyOut(Napi::Env env, const at::Tensor& src, napi_typedarray_type kind) {
  size_t n = static_cast<size_t>(src.numel());
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, n * sizeof(T));
  if (n) std::memcpy(buf.Data(), src.data_ptr(), n * sizeof(T));
  return Napi::TypedArrayOf<T>::New(env, n, buf, 0, kind);
}

// A copy of the data in the natural typed array of the dtype (float16/bfloat16 widen to float32).
Napi::Value ToTypedArray(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  at::Tensor t = a.tensor(0, "tensor").detach().to(at::kCPU).contiguous();
  switch (t.scalar_type()) {
    case at::kDouble: return CopyOut<double>(env, t, napi_float64_array);
    case at::kFloat: return CopyOut<float>(env, t, napi_float32_array);
    case at::kHalf:
    case at::kBFloat16: return CopyOut<float>(env, t.to(at::kFloat), napi_float32_array);
    case at::kLong: return CopyOut<int64_t>(env, t, napi_bigint64_array);
    case at::kInt: return CopyOut<int32_t>(env, t, napi_int32_array);
    case at::kByte:
    case at::kBool: return CopyOut<uint8_t>(env, t.to(at::kByte), napi_uint8_array);
    default: return CopyOut<double>(env, t.to(at::kDouble), napi_float64_array);
  }
}

// Flat row-major numbers (int64 converted to double; bool to 0/1 numbers).
Napi::Value ToNumbers(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor t = a.tensor(0, "tensor").detach().to(at::kCPU).to(at::kDouble).contiguous();
  size_t n = static_cast<size_t>(t.numel());
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(a.env(), n * 8);
  if (n) std::memcpy(buf.Data(), t.data_ptr<double>(), n * 8);
  return Napi::Float64Array::New(a.env(), n, buf, 0);
}

Napi::Value Item(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& t = a.tensor(0, "tensor");
  if (t.numel() != 1) {
    throw Napi::RangeError::New(a.env(), "a Tensor with " + std::to_string(t.numel()) +
                                             " elements cannot be converted to a number (item() needs exactly 1)");
  }
  if (t.scalar_type() == at::kBool) return Napi::Boolean::New(a.env(), t.item<bool>());
  return Napi::Number::New(a.env(), t.item<double>());
}

Napi::Value ToString(const Napi::CallbackInfo& info) {
  Args a(info);
  std::ostringstream s;
  s << a.tensor(0, "tensor");
  return Napi::String::New(a.env(), s.str());
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  Args a(info);
  if (!TensorWrap::IsTensor(info[0])) a.typeError(0, "tensor", "a Tensor");
  TensorWrap::Unwrap(info[0].As<Napi::Object>())->Dispose(a.env());
  return a.env().Undefined();
}

Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  Args a(info);
  if (!TensorWrap::IsTensor(info[0])) a.typeError(0, "tensor", "a Tensor");
  return Napi::Boolean::New(a.env(), TensorWrap::Unwrap(info[0].As<Napi::Object>())->disposed());
}

Napi::Value SameTensor(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Boolean::New(a.env(), a.tensor(0, "a").is_same(a.tensor(1, "b")));
}

// Identity of the TensorImpl (two handles of one tensor share it), for duplicate detection.
Napi::Value ImplId(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Number::New(a.env(), static_cast<double>(reinterpret_cast<uintptr_t>(a.tensor(0, "tensor").unsafeGetTensorImpl())));
}

Napi::Value DataPtr(const Napi::CallbackInfo& info) {
  Args a(info);
  return Napi::Number::New(a.env(), static_cast<double>(reinterpret_cast<uintptr_t>(a.tensor(0, "tensor").data_ptr())));
}

}  // namespace

const std::vector<FunctionEntry>& TensorApiEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("shape", Shape),
      SG_ENTRY("dtype", Dtype),
      SG_ENTRY("device", Device),
      SG_ENTRY("numel", Numel),
      SG_ENTRY("dim", Dim),
      SG_ENTRY("requiresGrad", RequiresGrad),
      SG_ENTRY("setRequiresGrad", SetRequiresGrad),
      SG_ENTRY("isLeaf", IsLeaf),
      SG_ENTRY("grad", Grad),
      SG_ENTRY("setGrad", SetGrad),
      SG_ENTRY("backward", Backward),
      SG_ENTRY("detach", Detach),
      SG_ENTRY("clone", Clone),
      SG_ENTRY("contiguous", Contiguous),
      SG_ENTRY("isContiguous", IsContiguous),
      SG_ENTRY("to", To),
      SG_ENTRY("toTypedArray", ToTypedArray),
      SG_ENTRY("toNumbers", ToNumbers),
      SG_ENTRY("item", Item),
      SG_ENTRY("formatTensor", ToString),
      SG_ENTRY("dispose", Dispose),
      SG_ENTRY("isDisposed", IsDisposed),
      SG_ENTRY("sameTensor", SameTensor),
      SG_ENTRY("dataPtr", DataPtr),
      SG_ENTRY("implId", ImplId),
  };
  return entries;
}

}  // namespace sgoptim
