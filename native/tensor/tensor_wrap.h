// The JavaScript handle of one at::Tensor. Parameters, gradients and optimizer state are the same
// storage on both sides; the handle only owns a reference, released when JavaScript collects it
// (or at once by dispose()).
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

namespace sgoptim {

class TensorWrap : public Napi::ObjectWrap<TensorWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  // Wraps a tensor in a new JavaScript handle.
  static Napi::Object New(Napi::Env env, at::Tensor tensor);
  // The handle's tensor; TypeError naming `what` if `value` is no live tensor handle.
  static at::Tensor& Get(const Napi::Value& value, const char* what);
  static bool IsTensor(const Napi::Value& value);

  explicit TensorWrap(const Napi::CallbackInfo& info);
  ~TensorWrap() override;

  void Dispose(Napi::Env env);
  bool disposed() const { return !tensor_.defined(); }
  at::Tensor& tensor() { return tensor_; }

 private:
  at::Tensor tensor_;
  int64_t accounted_bytes_ = 0;  // reported to V8 so big tensors trigger collection
};

}  // namespace sgoptim
