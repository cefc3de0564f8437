// Functional forms of layers, activations and losses, with PyTorch's argument order.
#include <ATen/ATen.h>

#include "common/args.h"
#include "tensor/shape_errors.h"
#include "common/errors.h"
#include "tensor/tensor_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

Napi::Value Wrap(const Args& a, at::Tensor t) { return TensorWrap::New(a.env(), std::move(t)); }

int64_t Reduction(const Args& a, size_t i) {
  std::string r = a.string(i, "reduction");
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  if (r == "none") return at::Reduction::None;
  throw Napi::RangeError::New(a.env(), "unknown reduction '" + r + "'; known: mean, sum, none");
}

at::Tensor Opt(const c10::optional<at::Tensor>& t) { return t ? *t : at::Tensor(); }

Napi::Value Relu(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::relu(a.tensor(0, "input")));
}

Napi::Value Sigmoid(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::sigmoid(a.tensor(0, "input")));
}

Napi::Value Tanh(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::tanh(a.tensor(0, "input")));
}

Napi::Value Silu(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::silu(a.tensor(0, "input")));
}

// gelu(input, approximate: 'none' | 'tanh')
Napi::Value Gelu(const Napi::CallbackInfo& info) {
  Args a(info);
  std::string approximate = a.isNullish(1) ? "none" : a.string(1, "approximate");
  if (approximate != "none" && approximate != "tanh") {
    throw Napi::RangeError::New(a.env(), "gelu: approximate must be 'none' or 'tanh', got '" + approximate + "'");
  }
  return Wrap(a, at::gelu(a.tensor(0, "input"), approximate));
}

Napi::Value LeakyRelu(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::leaky_relu(a.tensor(0, "input"), a.scalar(1, "negative_slope")));
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::softmax(a.tensor(0, "input"), a.integer(1, "dim")));
}

Napi::Value LogSoftmax(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::log_softmax(a.tensor(0, "input"), a.integer(1, "dim")));
}

// linear(input, weight, bias | null)
Napi::Value Linear(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& w = a.tensor(1, "weight");
  try {
    return Wrap(a, at::linear(x, w, Opt(a.optTensor(2, "bias"))));
  } catch (const c10::Error& e) {
    throw Napi::Error::New(a.env(), "linear: input of shape " + ShapeString(x.sizes()) + " and weight of shape " +
                                        ShapeString(w.sizes()) + ": " + CleanTorchMessage(e.what_without_backtrace()));
  }
}

// conv2d(input, weight, bias | null, stride[2], padding[2], dilation[2], groups)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& w = a.tensor(1, "weight");
  try {
    return Wrap(a, at::conv2d(x, w, Opt(a.optTensor(2, "bias")), a.intList(3, "stride"), a.intList(4, "padding"),
                              a.intList(5, "dilation"), a.integer(6, "groups")));
  } catch (const c10::Error& e) {
    throw Napi::Error::New(a.env(), "conv2d: input of shape " + ShapeString(x.sizes()) + " and weight of shape " +
                                        ShapeString(w.sizes()) + ": " + CleanTorchMessage(e.what_without_backtrace()));
  }
}

// maxPool2d(input, kernel[2], stride[2], padding[2], dilation[2], ceil_mode)
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::max_pool2d(a.tensor(0, "input"), a.intList(1, "kernel_size"), a.intList(2, "stride"),
                                a.intList(3, "padding"), a.intList(4, "dilation"), a.boolean(5, "ceil_mode")));
}

// avgPool2d(input, kernel[2], stride[2], padding[2], ceil_mode, count_include_pad)
Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::avg_pool2d(a.tensor(0, "input"), a.intList(1, "kernel_size"), a.intList(2, "stride"),
                                a.intList(3, "padding"), a.boolean(4, "ceil_mode"), a.boolean(5, "count_include_pad")));
}

Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::adaptive_avg_pool2d(a.tensor(0, "input"), a.intList(1, "output_size")));
}

// batchNorm(input, running_mean | null, running_var | null, weight | null, bias | null, training, momentum, eps)
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  auto mean = Opt(a.optTensor(1, "running_mean"));
  auto var = Opt(a.optTensor(2, "running_var"));
  auto weight = Opt(a.optTensor(3, "weight"));
  auto bias = Opt(a.optTensor(4, "bias"));
  bool training = a.boolean(5, "training");
  double momentum = a.number(6, "momentum"), eps = a.number(7, "eps");
  return Wrap(a, WithShapeContext(
                     a.env(),
                     [&] {
                       return NamedShapes({{"input", &x}, {"running_mean", &mean}, {"running_var", &var}, {"weight", &weight}, {"bias", &bias}});
                     },
                     [&] { return at::batch_norm(x, weight, bias, mean, var, training, momentum, eps, true); }));
}

// layerNorm(input, normalized_shape, weight | null, bias | null, eps)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::layer_norm(a.tensor(0, "input"), a.intList(1, "normalized_shape"), Opt(a.optTensor(2, "weight")),
                                Opt(a.optTensor(3, "bias")), a.number(4, "eps"), true));
}

// groupNorm(input, num_groups, weight | null, bias | null, eps)
Napi::Value GroupNorm(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::group_norm(a.tensor(0, "input"), a.integer(1, "num_groups"), Opt(a.optTensor(2, "weight")),
                                Opt(a.optTensor(3, "bias")), a.number(4, "eps"), true));
}

// dropout(input, p, training)
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::dropout(a.tensor(0, "input"), a.number(1, "p"), a.boolean(2, "training")));
}

// embedding(weight, indices, padding_idx)  (PyTorch's F.embedding(input, weight) order is handled in TS)
Napi::Value Embedding(const Napi::CallbackInfo& info) {
  Args a(info);
  int64_t padding_idx = a.isNullish(2) ? -1 : a.integer(2, "padding_idx");
  return Wrap(a, at::embedding(a.tensor(0, "weight"), a.tensor(1, "input"), padding_idx, false, false));
}

// crossEntropy(input, target, weight | null, reduction, ignore_index, label_smoothing)
Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& target = a.tensor(1, "target");
  auto weight = Opt(a.optTensor(2, "weight"));
  auto reduction = Reduction(a, 3);
  int64_t ignore_index = a.integer(4, "ignore_index");
  double smoothing = a.number(5, "label_smoothing");
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return NamedShapes({{"input", &x}, {"target", &target}}); },
                     [&] { return at::cross_entropy_loss(x, target, weight, reduction, ignore_index, smoothing); }));
}

// nllLoss(input, target, weight | null, reduction, ignore_index)
Napi::Value NllLoss(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& target = a.tensor(1, "target");
  auto weight = Opt(a.optTensor(2, "weight"));
  auto reduction = Reduction(a, 3);
  int64_t ignore_index = a.integer(4, "ignore_index");
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return NamedShapes({{"input", &x}, {"target", &target}}); },
                     [&] { return at::nll_loss_nd(x, target, weight, reduction, ignore_index); }));
}

// loss(input, target, reduction) for the element-wise losses, with both shapes on error.
template <typename Loss>
Napi::Value ElementwiseLoss(const Napi::CallbackInfo& info, Loss loss) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& target = a.tensor(1, "target");
  auto reduction = Reduction(a, 2);
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return NamedShapes({{"input", &x}, {"target", &target}}); },
                     [&] { return loss(x, target, reduction); }));
}

Napi::Value MseLoss(const Napi::CallbackInfo& info) {
  return ElementwiseLoss(info, [](const at::Tensor& x, const at::Tensor& t, int64_t r) { return at::mse_loss(x, t, r); });
}

Napi::Value L1Loss(const Napi::CallbackInfo& info) {
  return ElementwiseLoss(info, [](const at::Tensor& x, const at::Tensor& t, int64_t r) { return at::l1_loss(x, t, r); });
}

// bceWithLogits(input, target, weight | null, pos_weight | null, reduction)
Napi::Value BceWithLogits(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& target = a.tensor(1, "target");
  auto weight = Opt(a.optTensor(2, "weight"));
  auto pos_weight = Opt(a.optTensor(3, "pos_weight"));
  auto reduction = Reduction(a, 4);
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return NamedShapes({{"input", &x}, {"target", &target}}); },
                     [&] { return at::binary_cross_entropy_with_logits(x, target, weight, pos_weight, reduction); }));
}

}  // namespace

const std::vector<FunctionEntry>& TensorNnEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("relu", Relu),
      SG_ENTRY("sigmoid", Sigmoid),
      SG_ENTRY("tanh", Tanh),
      SG_ENTRY("silu", Silu),
      SG_ENTRY("gelu", Gelu),
      SG_ENTRY("leakyRelu", LeakyRelu),
      SG_ENTRY("softmax", Softmax),
      SG_ENTRY("logSoftmax", LogSoftmax),
      SG_ENTRY("linear", Linear),
      SG_ENTRY("conv2d", Conv2d),
      SG_ENTRY("maxPool2d", MaxPool2d),
      SG_ENTRY("avgPool2d", AvgPool2d),
      SG_ENTRY("adaptiveAvgPool2d", AdaptiveAvgPool2d),
      SG_ENTRY("batchNorm", BatchNorm),
      SG_ENTRY("layerNorm", LayerNorm),
      SG_ENTRY("groupNorm", GroupNorm),
      SG_ENTRY("dropout", Dropout),
      SG_ENTRY("embedding", Embedding),
      SG_ENTRY("crossEntropy", CrossEntropy),
      SG_ENTRY("nllLoss", NllLoss),
      SG_ENTRY("mseLoss", MseLoss),
      SG_ENTRY("l1Loss", L1Loss),
      SG_ENTRY("bceWithLogits", BceWithLogits),
  };
  return entries;
}

}  // namespace sgoptim
