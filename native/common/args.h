// Reads positional arguments of a native call. The TypeScript layer validates first and passes
// plain values; these checks are the thin guard that keeps a raw call of the .node from crashing.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <c10/util/Optional.h>
#include <string>
#include <vector>

namespace sgoptim {

class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info) : info_(info), env_(info.Env()) {}

  Napi::Env env() const { return env_; }
  size_t size() const { return info_.Length(); }
  Napi::Value raw(size_t i) const { return info_[i]; }
  bool isNullish(size_t i) const { return i >= info_.Length() || info_[i].IsNull() || info_[i].IsUndefined(); }
  bool isTensor(size_t i) const;
  bool isNumber(size_t i) const { return i < info_.Length() && info_[i].IsNumber(); }

  at::Tensor& tensor(size_t i, const char* name) const;
  c10::optional<at::Tensor> optTensor(size_t i, const char* name) const;
  std::vector<at::Tensor> tensorList(size_t i, const char* name) const;
  double number(size_t i, const char* name) const;
  c10::optional<double> optNumber(size_t i, const char* name) const;
  int64_t integer(size_t i, const char* name) const;
  c10::optional<int64_t> optInteger(size_t i, const char* name) const;
  bool boolean(size_t i, const char* name) const;
  std::string string(size_t i, const char* name) const;
  std::vector<int64_t> intList(size_t i, const char* name) const;
  c10::optional<std::vector<int64_t>> optIntList(size_t i, const char* name) const;
  // A number or boolean as a Scalar (booleans stay booleans).
  at::Scalar scalar(size_t i, const char* name) const;
  at::ScalarType dtype(size_t i, const char* name) const;
  c10::optional<at::ScalarType> optDtype(size_t i, const char* name) const;
  at::Device device(size_t i, const char* name) const;

  [[noreturn]] void typeError(size_t i, const char* name, const char* expected) const;

 private:
  const Napi::CallbackInfo& info_;
  Napi::Env env_;
};

// dtype names as the TypeScript API spells them ('float32', 'int64', ...).
at::ScalarType ParseDtype(Napi::Env env, const std::string& name);
const char* DtypeName(at::ScalarType type);
std::string DeviceName(const at::Device& device);
std::string ShapeString(at::IntArrayRef sizes);

}  // namespace sgoptim
