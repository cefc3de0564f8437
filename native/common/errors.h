// One error vocabulary on the native side: every entry point runs inside Guarded<>, which turns
// LibTorch's c10::Error (and any std::exception) into a JavaScript Error carrying LibTorch's
// message without the C++ backtrace, so no input can abort the Node process.
#pragma once

#include <napi.h>

#include <string>

namespace sgoptim {

// LibTorch's message with the "Exception raised from ..." trailer and backtrace cut off.
std::string CleanTorchMessage(const std::string& raw);

// A number for messages: whole numbers below 1e16 as integers (3000000000), others in the
// shortest digits that read back to the same double (9.223372036854776e+18, 1e+20, 0.1), and
// nan / inf / -inf as Python prints them.
std::string FormatNumber(double value);

// Rethrows the exception in flight as a Napi::Error of the right JavaScript class.
[[noreturn]] void RethrowAsJs(Napi::Env env);

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (...) {
    RethrowAsJs(info.Env());
  }
}

// A named native function, for the binding tables each concept exports.
struct FunctionEntry {
  const char* name;
  Napi::Value (*fn)(const Napi::CallbackInfo&);
};

}  // namespace sgoptim

// Declares a binding-table entry whose function runs Guarded.
#define SG_ENTRY(js_name, fn) \
  ::sgoptim::FunctionEntry { js_name, &::sgoptim::Guarded<fn> }
