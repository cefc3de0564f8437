// JavaScript values -> IValues -> PyTorch's pickle/zip format (what Python's torch.save writes,
// through LibTorch's Pickler), so checkpoints cross from sg-optim to PyTorch. Reading is not done
// here: LibTorch's unpickler checks neither bounds nor stack depth, so files are read only by the
// strict TypeScript reader in lib/serialize/torch-reader.
//
// JS → IValue: Tensor (an object whose `_h` is a native handle, or the handle) → Tensor; number →
// int when it is a safe integer, else float; boolean; string; null/undefined → None; array →
// list; plain object → Dict[str, Any]; Map → Dict with int keys when every key is an integer
// number, else str keys.
#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/csrc/jit/serialization/pickler.h>

#include <cmath>
#include <cstring>

#include "common/args.h"
#include "common/errors.h"
#include "serialize/serialize_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

constexpr int kMaxDepth = 64;

bool IsSafeInteger(double d) { return std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740991.0; }

at::IValue ToIValue(const Napi::Value& v, const std::string& path, int depth);

at::IValue ToIValueObject(const Napi::Object& obj, const std::string& path, int depth) {
  Napi::Env env = obj.Env();
  if (TensorWrap::IsTensor(obj)) return TensorWrap::Get(obj, path.c_str());
  Napi::Value handle = obj.Get("_h");
  if (TensorWrap::IsTensor(handle)) return TensorWrap::Get(handle, path.c_str());
  if (obj.IsArray()) {
    Napi::Array arr = obj.As<Napi::Array>();
    c10::impl::GenericList list(c10::AnyType::get());
    for (uint32_t i = 0; i < arr.Length(); ++i) list.push_back(ToIValue(arr.Get(i), path + "[" + std::to_string(i) + "]", depth + 1));
    return list;
  }
  Napi::Function map_ctor = env.Global().Get("Map").As<Napi::Function>();
  if (obj.InstanceOf(map_ctor)) {
    Napi::Function from = env.Global().Get("Array").As<Napi::Object>().Get("from").As<Napi::Function>();
    Napi::Array entries = from.Call({obj}).As<Napi::Array>();
    bool int_keys = entries.Length() > 0;
    for (uint32_t i = 0; i < entries.Length(); ++i) {
      Napi::Value key = entries.Get(i).As<Napi::Array>().Get(0u);
      if (!key.IsNumber() || !IsSafeInteger(key.As<Napi::Number>().DoubleValue())) int_keys = false;
    }
    c10::TypePtr key_type = int_keys ? c10::TypePtr(c10::IntType::get()) : c10::TypePtr(c10::StringType::get());
    c10::impl::GenericDict dict(key_type, c10::AnyType::get());
    for (uint32_t i = 0; i < entries.Length(); ++i) {
      Napi::Array kv = entries.Get(i).As<Napi::Array>();
      Napi::Value key = kv.Get(0u);
      std::string name = key.ToString().Utf8Value();
      at::IValue value = ToIValue(kv.Get(1u), path + "[" + name + "]", depth + 1);
      if (int_keys) dict.insert(static_cast<int64_t>(key.As<Napi::Number>().DoubleValue()), value);
      else dict.insert(name, value);
    }
    return dict;
  }
  Napi::Value proto_ctor = obj.Get("constructor");
  bool plain = proto_ctor.IsUndefined() || proto_ctor.StrictEquals(env.Global().Get("Object"));
  if (!plain) {
    throw Napi::TypeError::New(env, "cannot save " + path + ": only tensors, numbers, strings, booleans, null, arrays, Maps and plain objects can be saved");
  }
  c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
  Napi::Array keys = obj.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string key = keys.Get(i).ToString().Utf8Value();
    Napi::Value value = obj.Get(key);
    if (value.IsUndefined() || value.IsFunction()) continue;
    dict.insert(key, ToIValue(value, path + "." + key, depth + 1));
  }
  return dict;
}

at::IValue ToIValue(const Napi::Value& v, const std::string& path, int depth) {
  Napi::Env env = v.Env();
  if (depth > kMaxDepth) throw Napi::RangeError::New(env, "cannot save " + path + ": nested deeper than 64 levels (a cycle?)");
  if (v.IsNull() || v.IsUndefined()) return at::IValue();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (IsSafeInteger(d) && !(d == 0 && std::signbit(d))) return static_cast<int64_t>(d);
    return d;
  }
  if (v.IsBigInt()) {
    bool lossless = false;
    int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(env, "cannot save " + path + ": BigInt out of int64 range");
    return i;
  }
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (v.IsObject() && !v.IsFunction()) return ToIValueObject(v.As<Napi::Object>(), path, depth);
  throw Napi::TypeError::New(env, "cannot save " + path + ": unsupported value type");
}

// torch::jit::pickle_save without its type tags: LibTorch's Pickler wraps every list and dict in
// torch.jit._pickle.restore_type_tag(value, "Dict[str, Any]"), a global that torch.load refuses
// under weights_only=True, its default since PyTorch 2.6. Untagged, the file is what Python's
// torch.save writes for plain lists and dicts. Otherwise as pickle_save: tensors' storages as
// data/<n> records beside data.pkl in the zip container.
std::vector<char> PickleSave(const at::IValue& value) {
  std::vector<char> pickled;
  torch::jit::Pickler pickler([&](const char* bytes, size_t n) { pickled.insert(pickled.end(), bytes, bytes + n); },
                              /*tensor_table=*/nullptr, /*type_renamer=*/nullptr, /*memoized_class_types=*/nullptr,
                              /*get_tensor_id=*/nullptr, /*tag_aggregates=*/false);
  pickler.protocol();
  pickler.pushIValue(value);
  pickler.stop();
  std::vector<char> container;
  caffe2::serialize::PyTorchStreamWriter writer([&](const void* bytes, size_t n) {
    const char* begin = static_cast<const char*>(bytes);
    container.insert(container.end(), begin, begin + n);
    return n;
  });
  torch::jit::writeArchiveAndTensors("data", pickled.data(), pickled.size(), pickler.tensorData(), writer);
  writer.writeEndOfFile();
  return container;
}

// pickle(value) → Buffer with torch.save's bytes.
Napi::Value Pickle(const Napi::CallbackInfo& info) {
  at::IValue value = ToIValue(info[0], "value", 0);
  std::vector<char> bytes = PickleSave(value);
  return Napi::Buffer<char>::Copy(info.Env(), bytes.data(), bytes.size());
}

}  // namespace

const std::vector<FunctionEntry>& SerializeEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("pickle", Pickle),
  };
  return entries;
}

}  // namespace sgoptim
