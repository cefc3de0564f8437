// Reads one param group's option values from the plain JavaScript object TypeScript passes,
// with TypeErrors that name the full path (param_groups[1].betas).
#pragma once

#include <napi.h>

#include <string>
#include <tuple>

namespace sgoptim {

class OptionReader {
 public:
  OptionReader(Napi::Object object, std::string path) : object_(object), path_(std::move(path)) {}

  bool has(const char* key) const;
  double number(const char* key) const;
  bool boolean(const char* key) const;
  std::tuple<double, double> pair(const char* key) const;
  // A number, or null/absent (nullopt semantics via `present`).
  double numberOr(const char* key, double fallback, bool* present = nullptr) const;
  Napi::Value raw(const char* key) const { return object_.Get(key); }
  Napi::Env env() const { return object_.Env(); }
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const char* key, const char* expected) const;
  Napi::Object object_;
  std::string path_;
};

}  // namespace sgoptim
