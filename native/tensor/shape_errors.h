// LibTorch's shape errors name one dimension ("size of tensor a (3) must match ... dimension 0")
// or none; these wrappers add the full shapes of every input, so a message says what met what.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/errors.h"

namespace sgoptim {

// The shapes of `inputs` as "input [2, 3], target [4]" (undefined tensors left out).
inline std::string NamedShapes(std::initializer_list<std::pair<const char*, const at::Tensor*>> inputs) {
  std::string out;
  for (const auto& [name, t] : inputs) {
    if (t == nullptr || !t->defined()) continue;
    if (!out.empty()) out += ", ";
    out += std::string(name) + " " + ShapeString(t->sizes());
  }
  return out;
}

// Runs `f`; a LibTorch error (c10::Error, or the std::runtime_error some shape checks throw)
// becomes a JS Error with `describe()` appended in parentheses. `describe` runs only on error.
template <typename F, typename D>
auto WithShapeContext(Napi::Env env, D&& describe, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, CleanTorchMessage(e.what_without_backtrace()) + " (" + describe() + ")");
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(env, std::string(e.what()) + " (" + describe() + ")");
  }
}

// The shapes of a list of tensors: "tensors [2, 3], [2, 4]".
inline std::string ListShapes(const char* name, const std::vector<at::Tensor>& tensors) {
  std::string out = std::string(name) + " ";
  for (size_t i = 0; i < tensors.size(); ++i) out += (i ? ", " : "") + ShapeString(tensors[i].sizes());
  return out;
}

}  // namespace sgoptim
