#include "optim/option_reader.h"

#include <cmath>

namespace sgoptim {

void OptionReader::fail(const char* key, const char* expected) const {
  Napi::Value v = object_.Get(key);
  std::string got = v.IsUndefined() ? "undefined" : v.IsNull()  ? "null"
                                                : v.IsString()  ? "'" + v.As<Napi::String>().Utf8Value() + "' (string)"
                                                : v.IsBoolean() ? "a boolean"
                                                : v.IsNumber()  ? "a number"
                                                                : "an object";
  throw Napi::TypeError::New(object_.Env(), "Expected " + std::string(expected) + " for " + path_ + "." + key + " but received " + got);
}

bool OptionReader::has(const char* key) const {
  if (!object_.Has(key)) return false;
  Napi::Value v = object_.Get(key);
  return !v.IsUndefined() && !v.IsNull();
}

double OptionReader::number(const char* key) const {
  Napi::Value v = object_.Get(key);
  if (!v.IsNumber()) fail(key, "a number");
  return v.As<Napi::Number>().DoubleValue();
}

bool OptionReader::boolean(const char* key) const {
  Napi::Value v = object_.Get(key);
  if (!v.IsBoolean()) fail(key, "a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::tuple<double, double> OptionReader::pair(const char* key) const {
  Napi::Value v = object_.Get(key);
  if (!v.IsArray() || v.As<Napi::Array>().Length() != 2) fail(key, "a pair of numbers");
  Napi::Array a = v.As<Napi::Array>();
  Napi::Value x = a.Get(0u), y = a.Get(1u);
  if (!x.IsNumber() || !y.IsNumber()) fail(key, "a pair of numbers");
  return {x.As<Napi::Number>().DoubleValue(), y.As<Napi::Number>().DoubleValue()};
}

double OptionReader::numberOr(const char* key, double fallback, bool* present) const {
  bool here = has(key);
  if (present) *present = here;
  return here ? number(key) : fallback;
}

}  // namespace sgoptim
