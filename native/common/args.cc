#include "common/args.h"
#include "common/errors.h"

#include <cmath>
#include <sstream>

#include "tensor/tensor_wrap.h"

namespace sgoptim {

namespace {

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) {
    std::ostringstream s;
    s << v.As<Napi::Number>().DoubleValue() << " (number)";
    return s.str();
  }
  if (v.IsString()) return "'" + v.As<Napi::String>().Utf8Value() + "' (string)";
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true (boolean)" : "false (boolean)";
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  if (v.IsObject()) return "an object";
  return "a value of another type";
}

}  // namespace

void Args::typeError(size_t i, const char* name, const char* expected) const {
  Napi::Value v = i < info_.Length() ? info_[i] : env_.Undefined();
  throw Napi::TypeError::New(env_, std::string("Expected ") + expected + " for " + name + " but received " + Describe(v));
}

bool Args::isTensor(size_t i) const { return i < info_.Length() && TensorWrap::IsTensor(info_[i]); }

at::Tensor& Args::tensor(size_t i, const char* name) const {
  if (i >= info_.Length() || !info_[i].IsObject()) typeError(i, name, "a Tensor");
  return TensorWrap::Get(info_[i], name);
}

c10::optional<at::Tensor> Args::optTensor(size_t i, const char* name) const {
  if (isNullish(i)) return c10::nullopt;
  return tensor(i, name);
}

std::vector<at::Tensor> Args::tensorList(size_t i, const char* name) const {
  if (i >= info_.Length() || !info_[i].IsArray()) typeError(i, name, "an array of Tensors");
  Napi::Array arr = info_[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    std::string item = std::string(name) + "[" + std::to_string(k) + "]";
    out.push_back(TensorWrap::Get(arr.Get(k), item.c_str()));
  }
  return out;
}

double Args::number(size_t i, const char* name) const {
  if (i >= info_.Length() || !info_[i].IsNumber()) typeError(i, name, "a number");
  return info_[i].As<Napi::Number>().DoubleValue();
}

c10::optional<double> Args::optNumber(size_t i, const char* name) const {
  if (isNullish(i)) return c10::nullopt;
  return number(i, name);
}

int64_t Args::integer(size_t i, const char* name) const {
  double v = number(i, name);
  if (!std::isfinite(v) || std::floor(v) != v || std::fabs(v) > 9.007199254740992e15) typeError(i, name, "an integer");
  return static_cast<int64_t>(v);
}

c10::optional<int64_t> Args::optInteger(size_t i, const char* name) const {
  if (isNullish(i)) return c10::nullopt;
  return integer(i, name);
}

bool Args::boolean(size_t i, const char* name) const {
  if (i >= info_.Length() || !info_[i].IsBoolean()) typeError(i, name, "a boolean");
  return info_[i].As<Napi::Boolean>().Value();
}

std::string Args::string(size_t i, const char* name) const {
  if (i >= info_.Length() || !info_[i].IsString()) typeError(i, name, "a string");
  return info_[i].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> Args::intList(size_t i, const char* name) const {
  if (i >= info_.Length() || !info_[i].IsArray()) typeError(i, name, "an array of integers");
  Napi::Array arr = info_[i].As<Napi::Array>();
  std::vector<int64_t> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = arr.Get(k);
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(d) || std::floor(d) != d) typeError(i, name, "an array of integers");
    // Beyond 2^53 a double is no longer an exact integer, and beyond int64 the cast is undefined.
    if (std::fabs(d) > 9.007199254740992e15) {
      throw Napi::RangeError::New(env_, std::string(name) + "[" + std::to_string(k) + "] must be an integer of magnitude at most 2^53, got " + FormatNumber(d));
    }
    out.push_back(static_cast<int64_t>(d));
  }
  return out;
}

c10::optional<std::vector<int64_t>> Args::optIntList(size_t i, const char* name) const {
  if (isNullish(i)) return c10::nullopt;
  return intList(i, name);
}

at::Scalar Args::scalar(size_t i, const char* name) const {
  if (i < info_.Length() && info_[i].IsBoolean()) return at::Scalar(info_[i].As<Napi::Boolean>().Value());
  // Integer-valued numbers act like Python ints (an int64 tensor plus 1 stays int64).
  double d = number(i, name);
  if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740991.0 && !(d == 0 && std::signbit(d))) {
    return at::Scalar(static_cast<int64_t>(d));
  }
  return at::Scalar(d);
}

at::ScalarType Args::dtype(size_t i, const char* name) const { return ParseDtype(env_, string(i, name)); }

c10::optional<at::ScalarType> Args::optDtype(size_t i, const char* name) const {
  if (isNullish(i)) return c10::nullopt;
  return dtype(i, name);
}

at::Device Args::device(size_t i, const char* name) const {
  std::string s = string(i, name);
  if (s != "cpu" && s.rfind("cuda", 0) != 0) {
    throw Napi::RangeError::New(env_, "Invalid device '" + s + "' for " + name + "; expected 'cpu', 'cuda' or 'cuda:N'");
  }
  return at::Device(s);
}

at::ScalarType ParseDtype(Napi::Env env, const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "float64") return at::kDouble;
  if (name == "float16") return at::kHalf;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "int64") return at::kLong;
  if (name == "int32") return at::kInt;
  if (name == "uint8") return at::kByte;
  if (name == "bool") return at::kBool;
  throw Napi::RangeError::New(env, "unknown dtype '" + name +
                                       "'; known: float32, float64, float16, bfloat16, int64, int32, uint8, bool");
}

const char* DtypeName(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    case at::kShort: return "int16";
    case at::kChar: return "int8";
    default: return "unsupported";
  }
}

std::string DeviceName(const at::Device& device) {
  if (device.is_cpu()) return "cpu";
  return device.str().find(':') == std::string::npos ? device.str() + ":0" : device.str();
}

std::string ShapeString(at::IntArrayRef sizes) {
  std::ostringstream s;
  s << "[";
  for (size_t k = 0; k < sizes.size(); ++k) s << (k ? ", " : "") << sizes[k];
  s << "]";
  return s.str();
}

}  // namespace sgoptim
