#include "common/errors.h"

#include <c10/util/Exception.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace sgoptim {

std::string CleanTorchMessage(const std::string& raw) {
  std::string msg = raw;
  for (const char* marker : {"\nException raised from", "Exception raised from", "\nframe #0"}) {
    auto pos = msg.find(marker);
    if (pos != std::string::npos) msg = msg.substr(0, pos);
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char out[32];
  if (std::floor(value) == value && std::fabs(value) < 1e16) {
    std::snprintf(out, sizeof out, "%.0f", value);  // whole numbers as integers: 3000000000, -1
    return out;
  }
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(out, sizeof out, "%.*g", digits, value);
    if (std::strtod(out, nullptr) == value) break;
  }
  return out;
}

void RethrowAsJs(Napi::Env env) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::TypeError& e) {
    throw Napi::TypeError::New(env, CleanTorchMessage(e.what_without_backtrace()));
  } catch (const c10::IndexError& e) {
    throw Napi::RangeError::New(env, CleanTorchMessage(e.what_without_backtrace()));
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, CleanTorchMessage(e.what_without_backtrace()));
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of memory while running a LibTorch operation");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown native error");
  }
}

}  // namespace sgoptim
