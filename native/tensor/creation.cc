// Tensor factories. dtype and device arrive already resolved by TypeScript ('float32', 'cpu').
#include <ATen/ATen.h>

#include <cstring>

#include "common/args.h"
#include "common/errors.h"
#include "tensor/tensor_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

at::TensorOptions OptionsAt(const Args& a, size_t dtype_index, size_t device_index) {
  at::TensorOptions options = at::TensorOptions().dtype(a.optDtype(dtype_index, "dtype").value_or(at::kFloat));
  if (!a.isNullish(device_index)) options = options.device(a.device(device_index, "device"));
  return options;
}

std::vector<int64_t> ShapeArg(const Args& a, size_t i) {
  auto shape = a.intList(i, "shape");
  for (int64_t d : shape) {
    if (d < 0) throw Napi::RangeError::New(a.env(), "negative dimension in shape " + ShapeString(shape));
  }
  return shape;
}

// Values that an integer dtype cannot hold would wrap silently (or, from a double, be undefined
// behaviour): refused, as PyTorch refuses them ("value cannot be converted ... without overflow").
void CheckFitsDtype(Napi::Env env, const at::Tensor& values, at::ScalarType target) {
  double lo, hi;  // the integers the target holds, as doubles; hi is exclusive
  const char* name;
  switch (target) {
    case at::kLong:
      lo = -9223372036854775808.0;
      hi = 9223372036854775808.0;
      name = "int64";
      break;
    case at::kInt:
      lo = -2147483648.0;
      hi = 2147483648.0;
      name = "int32";
      break;
    case at::kByte:
      lo = 0;
      hi = 256;
      name = "uint8";
      break;
    default: return;  // floating targets round, bool takes any value
  }
  if (values.numel() == 0) return;
  at::Tensor whole = values.to(at::kDouble).trunc();  // a fraction truncates, as the cast does
  at::Tensor bad = whole.isnan().logical_or(whole.lt(lo)).logical_or(whole.ge(hi));
  if (!bad.any().item<bool>()) return;
  int64_t index = bad.reshape(-1).nonzero()[0][0].item<int64_t>();
  double value = values.reshape(-1)[index].item<double>();
  const std::string shown = FormatNumber(value);
  throw Napi::RangeError::New(env, std::string("value cannot be converted to type ") + name + " without overflow: " +
                                       shown + " at index " + std::to_string(index) + " (" + name + " holds " +
                                       (target == at::kByte ? "0 … 255" : target == at::kInt ? "-2^31 … 2^31-1"
                                                                                             : "-2^63 … 2^63-1") +
                                       ")");
}

// fromData(typedArray, shape, dtype | null, device | null): copies the JavaScript data.
Napi::Value FromData(const Napi::CallbackInfo& info) {
  Args a(info);
  Napi::Env env = a.env();
  if (!info[0].IsTypedArray()) a.typeError(0, "data", "a typed array");
  Napi::TypedArray data = info[0].As<Napi::TypedArray>();
  at::ScalarType source;
  switch (data.TypedArrayType()) {
    case napi_float32_array: source = at::kFloat; break;
    case napi_float64_array: source = at::kDouble; break;
    case napi_int32_array: source = at::kInt; break;
    case napi_bigint64_array: source = at::kLong; break;
    case napi_uint8_array: source = at::kByte; break;
    default: a.typeError(0, "data", "a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array");
  }
  auto shape = ShapeArg(a, 1);
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  if (numel != static_cast<int64_t>(data.ElementLength())) {
    throw Napi::RangeError::New(env, "shape " + ShapeString(shape) + " needs " + std::to_string(numel) +
                                         " values but the data has " + std::to_string(data.ElementLength()));
  }
  at::ScalarType target = a.optDtype(2, "dtype").value_or(source);
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(source));
  if (numel) {
    auto* bytes = static_cast<uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
    std::memcpy(t.data_ptr(), bytes, data.ByteLength());
  }
  if (target != source) {
    CheckFitsDtype(env, t, target);
    t = t.to(target);
  }
  if (!a.isNullish(3)) t = t.to(a.device(3, "device"));
  return TensorWrap::New(env, t);
}

Napi::Value Zeros(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::zeros(ShapeArg(a, 0), OptionsAt(a, 1, 2)));
}

Napi::Value Ones(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::ones(ShapeArg(a, 0), OptionsAt(a, 1, 2)));
}

Napi::Value Empty(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::empty(ShapeArg(a, 0), OptionsAt(a, 1, 2)));
}

// full(shape, value, dtype, device)
Napi::Value Full(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::full(ShapeArg(a, 0), a.scalar(1, "fill_value"), OptionsAt(a, 2, 3)));
}

Napi::Value Rand(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::rand(ShapeArg(a, 0), OptionsAt(a, 1, 2)));
}

Napi::Value Randn(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::randn(ShapeArg(a, 0), OptionsAt(a, 1, 2)));
}

// randint(low, high, shape, dtype, device); dtype defaults to int64 as in PyTorch.
Napi::Value Randint(const Napi::CallbackInfo& info) {
  Args a(info);
  int64_t low = a.integer(0, "low"), high = a.integer(1, "high");
  if (high <= low) {
    throw Napi::RangeError::New(a.env(), "randint: high (" + std::to_string(high) + ") must be greater than low (" +
                                             std::to_string(low) + ")");
  }
  at::TensorOptions options = at::TensorOptions().dtype(a.optDtype(3, "dtype").value_or(at::kLong));
  if (!a.isNullish(4)) options = options.device(a.device(4, "device"));
  return TensorWrap::New(a.env(), at::randint(low, high, ShapeArg(a, 2), options));
}

// arange(start, end, step, dtype | null, device): dtype null infers as PyTorch (int64 for integers).
Napi::Value Arange(const Napi::CallbackInfo& info) {
  Args a(info);
  double start = a.number(0, "start"), end = a.number(1, "end"), step = a.number(2, "step");
  if (step == 0) throw Napi::RangeError::New(a.env(), "arange: step must be nonzero");
  bool integral = std::floor(start) == start && std::floor(end) == end && std::floor(step) == step;
  at::ScalarType dtype = a.optDtype(3, "dtype").value_or(integral ? at::kLong : at::kFloat);
  at::TensorOptions options = at::TensorOptions().dtype(dtype);
  if (!a.isNullish(4)) options = options.device(a.device(4, "device"));
  if (integral) {
    return TensorWrap::New(a.env(), at::arange(static_cast<int64_t>(start), static_cast<int64_t>(end),
                                               static_cast<int64_t>(step), options));
  }
  return TensorWrap::New(a.env(), at::arange(start, end, step, options));
}

// eye(n, m, dtype, device)
Napi::Value Eye(const Napi::CallbackInfo& info) {
  Args a(info);
  int64_t n = a.integer(0, "n");
  int64_t m = a.isNullish(1) ? n : a.integer(1, "m");
  if (n < 0 || m < 0) throw Napi::RangeError::New(a.env(), "eye: n and m must be non-negative");
  return TensorWrap::New(a.env(), at::eye(n, m, OptionsAt(a, 2, 3)));
}

// linspace(start, end, steps, dtype, device)
Napi::Value Linspace(const Napi::CallbackInfo& info) {
  Args a(info);
  int64_t steps = a.integer(2, "steps");
  if (steps < 0) throw Napi::RangeError::New(a.env(), "linspace: number of steps must be non-negative");
  return TensorWrap::New(a.env(), at::linspace(a.number(0, "start"), a.number(1, "end"), steps, OptionsAt(a, 3, 4)));
}

// zerosLike / onesLike / fullLike(tensor, value) / randnLike keep dtype and device of the tensor.
Napi::Value ZerosLike(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::zeros_like(a.tensor(0, "input")));
}

Napi::Value OnesLike(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::ones_like(a.tensor(0, "input")));
}

Napi::Value FullLike(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::full_like(a.tensor(0, "input"), a.scalar(1, "fill_value")));
}

Napi::Value RandnLike(const Napi::CallbackInfo& info) {
  Args a(info);
  return TensorWrap::New(a.env(), at::randn_like(a.tensor(0, "input")));
}


// fromBytes(uint8Array, dtype): a 1-D tensor whose bytes are a copy of the array's (a storage
// read from a checkpoint; the byte count must be a whole number of elements).
Napi::Value FromBytes(const Napi::CallbackInfo& info) {
  Args a(info);
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    a.typeError(0, "bytes", "a Uint8Array");
  }
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  at::ScalarType dtype = a.dtype(1, "dtype");
  size_t itemsize = c10::elementSize(dtype);
  if (bytes.ByteLength() % itemsize != 0) {
    throw Napi::RangeError::New(a.env(), std::to_string(bytes.ByteLength()) + " bytes are not a whole number of " +
                                             std::to_string(itemsize) + "-byte elements");
  }
  at::Tensor t = at::empty({static_cast<int64_t>(bytes.ByteLength() / itemsize)}, at::TensorOptions().dtype(dtype));
  if (bytes.ByteLength()) std::memcpy(t.data_ptr(), bytes.Data(), bytes.ByteLength());
  return TensorWrap::New(a.env(), t);
}

// asStrided(base, size, stride, offset): a view sharing base's memory, as torch.as_strided. The
// loader checks the geometry first; this checks again (base is a contiguous 1-D storage) so no
// caller can build a view that reaches outside the storage.
Napi::Value AsStrided(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor base = a.tensor(0, "base");
  auto size = a.intList(1, "size");
  auto stride = a.intList(2, "stride");
  int64_t offset = a.integer(3, "offset");
  auto fail = [&](const std::string& why) -> Napi::Value { throw Napi::RangeError::New(a.env(), "asStrided: " + why); };
  if (base.dim() != 1 || !base.is_contiguous() || base.storage_offset() != 0) return fail("base must be a 1-D storage");
  if (size.size() != stride.size()) return fail("size and stride differ in length");
  if (offset < 0) return fail("negative storage offset");
  // Last element reached, in unsigned 128-bit arithmetic so no product can wrap around.
  unsigned __int128 last = static_cast<unsigned __int128>(offset), numel = 1;
  for (size_t d = 0; d < size.size(); ++d) {
    if (size[d] < 0 || stride[d] < 0) return fail("negative size or stride");
    numel *= static_cast<unsigned __int128>(size[d]);
    if (size[d] > 0) last += static_cast<unsigned __int128>(size[d] - 1) * static_cast<unsigned __int128>(stride[d]);
    if (numel > (static_cast<unsigned __int128>(1) << 62)) return fail("too many elements");
  }
  auto storage = static_cast<unsigned __int128>(base.numel());
  if (numel == 0 ? static_cast<unsigned __int128>(offset) > storage : last >= storage) return fail("view outside its storage");
  return TensorWrap::New(a.env(), base.as_strided(size, stride, offset));
}

}  // namespace

const std::vector<FunctionEntry>& TensorCreationEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("fromData", FromData),
      SG_ENTRY("zeros", Zeros),
      SG_ENTRY("ones", Ones),
      SG_ENTRY("empty", Empty),
      SG_ENTRY("full", Full),
      SG_ENTRY("rand", Rand),
      SG_ENTRY("randn", Randn),
      SG_ENTRY("randint", Randint),
      SG_ENTRY("arange", Arange),
      SG_ENTRY("eye", Eye),
      SG_ENTRY("linspace", Linspace),
      SG_ENTRY("zerosLike", ZerosLike),
      SG_ENTRY("onesLike", OnesLike),
      SG_ENTRY("fullLike", FullLike),
      SG_ENTRY("randnLike", RandnLike),
      SG_ENTRY("fromBytes", FromBytes),
      SG_ENTRY("asStrided", AsStrided),
  };
  return entries;
}

}  // namespace sgoptim
