// One error vocabulary on the native side: every entry point runs inside Guarded<>, which turns
// LibTorch's c10::Error (and any std::exception) into a JavaScript Error carrying LibTorch's
// message without the C++ backtrace, so no input can abort the Node process.
#pragma once

#include <napi.h>

#include <string>

namespace sgoptim {

// LibTorch's message with the "Exception raised from ..." trailer and backtrace cut off.
std::string CleanTorchMessage(const std::string& raw);

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
