#include "tensor/tensor_wrap.h"

#include "common/addon_data.h"

namespace sgoptim {

Napi::Function TensorWrap::Init(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "NativeTensor", {});
  GetAddonData(env).tensor_constructor = Napi::Persistent(ctor);
  return ctor;
}

Napi::Object TensorWrap::New(Napi::Env env, at::Tensor tensor) {
  return GetAddonData(env).tensor_constructor.New({Napi::External<at::Tensor>::New(env, &tensor)});
}

TensorWrap::TensorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "NativeTensor cannot be constructed from JavaScript; use sg.tensor()");
  }
  tensor_ = *info[0].As<Napi::External<at::Tensor>>().Data();
  if (tensor_.defined() && tensor_.device().is_cpu()) {
    accounted_bytes_ = static_cast<int64_t>(tensor_.numel() * tensor_.element_size());
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), accounted_bytes_);
  }
}

namespace {

// The raw call, whose failure is ignored: node-addon-api's wrapper throws a C++ exception when the
// environment is shutting down (a worker being terminated), and a destructor must not throw.
void ForgetExternalMemory(napi_env env, int64_t bytes) noexcept {
  int64_t total = 0;
  (void)napi_adjust_external_memory(env, -bytes, &total);
}

}  // namespace

TensorWrap::~TensorWrap() {
  if (accounted_bytes_ != 0) ForgetExternalMemory(Env(), accounted_bytes_);
}

void TensorWrap::Dispose(Napi::Env env) {
  tensor_ = at::Tensor();
  if (accounted_bytes_ != 0) ForgetExternalMemory(env, accounted_bytes_);
  accounted_bytes_ = 0;
}

bool TensorWrap::IsTensor(const Napi::Value& value) {
  if (!value.IsObject()) return false;
  return value.As<Napi::Object>().InstanceOf(GetAddonData(value.Env()).tensor_constructor.Value());
}

at::Tensor& TensorWrap::Get(const Napi::Value& value, const char* what) {
  Napi::Env env = value.Env();
  if (!IsTensor(value)) {
    throw Napi::TypeError::New(env, std::string("Expected a Tensor for ") + what);
  }
  TensorWrap* wrap = TensorWrap::Unwrap(value.As<Napi::Object>());
  if (wrap->disposed()) {
    throw Napi::Error::New(env, std::string("Tensor used after dispose() (") + what + ")");
  }
  return wrap->tensor_;
}

}  // namespace sgoptim
