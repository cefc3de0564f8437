// Arithmetic, comparisons, reductions, shape and indexing ops (ATen, so autograd records them).
#include <ATen/ATen.h>

#include "common/args.h"
#include "common/errors.h"
#include "tensor/shape_errors.h"
#include "tensor/tensor_entries.h"
#include "tensor/tensor_wrap.h"

namespace sgoptim {
namespace {

Napi::Value Wrap(const Args& a, at::Tensor t) { return TensorWrap::New(a.env(), std::move(t)); }

// Broadcasting errors from LibTorch name one dimension; add both full shapes.
template <typename F>
at::Tensor WithShapes(const Args& a, const at::Tensor& x, const at::Tensor* y, F&& f) {
  return WithShapeContext(
      a.env(), [&] { return "shapes " + ShapeString(x.sizes()) + " and " + ShapeString(y->sizes()); }, f);
}

// op(input, other: Tensor | number[, alpha])
#define SG_BINARY_ALPHA(Name, fn)                                             \
  Napi::Value Name(const Napi::CallbackInfo& info) {                          \
    Args a(info);                                                             \
    at::Tensor& x = a.tensor(0, "input");                                     \
    at::Scalar alpha = a.isNullish(2) ? at::Scalar(1) : a.scalar(2, "alpha"); \
    if (a.isTensor(1)) {                                                      \
      at::Tensor& y = a.tensor(1, "other");                                   \
      return Wrap(a, WithShapes(a, x, &y, [&] { return x.fn(y, alpha); }));   \
    }                                                                         \
    return Wrap(a, x.fn(a.scalar(1, "other"), alpha));                        \
  }

#define SG_BINARY(Name, fn)                                          \
  Napi::Value Name(const Napi::CallbackInfo& info) {                 \
    Args a(info);                                                    \
    at::Tensor& x = a.tensor(0, "input");                            \
    if (a.isTensor(1)) {                                             \
      at::Tensor& y = a.tensor(1, "other");                          \
      return Wrap(a, WithShapes(a, x, &y, [&] { return x.fn(y); })); \
    }                                                                \
    return Wrap(a, x.fn(a.scalar(1, "other")));                      \
  }

// In place: op_(input, other[, alpha]) modifies input; returns undefined.
#define SG_INPLACE_ALPHA(Name, method)                                        \
  Napi::Value Name(const Napi::CallbackInfo& info) {                          \
    Args a(info);                                                             \
    at::Tensor& x = a.tensor(0, "input");                                     \
    at::Scalar alpha = a.isNullish(2) ? at::Scalar(1) : a.scalar(2, "alpha"); \
    if (a.isTensor(1)) {                                                      \
      at::Tensor& y = a.tensor(1, "other");                                   \
      WithShapes(a, x, &y, [&] { return x.method(y, alpha); });               \
    } else {                                                                  \
      x.method(a.scalar(1, "other"), alpha);                                  \
    }                                                                         \
    return a.env().Undefined();                                               \
  }

#define SG_INPLACE(Name, method)                         \
  Napi::Value Name(const Napi::CallbackInfo& info) {     \
    Args a(info);                                        \
    at::Tensor& x = a.tensor(0, "input");                \
    if (a.isTensor(1)) {                                 \
      at::Tensor& y = a.tensor(1, "other");              \
      WithShapes(a, x, &y, [&] { return x.method(y); }); \
    } else {                                             \
      x.method(a.scalar(1, "other"));                    \
    }                                                    \
    return a.env().Undefined();                          \
  }

#define SG_UNARY(Name, fn)                           \
  Napi::Value Name(const Napi::CallbackInfo& info) { \
    Args a(info);                                    \
    return Wrap(a, fn(a.tensor(0, "input")));        \
  }

SG_BINARY_ALPHA(Add, add)
SG_BINARY_ALPHA(Sub, sub)
SG_BINARY(Mul, mul)
SG_BINARY(Div, div)
SG_BINARY(Pow, pow)
SG_BINARY(Eq, eq)
SG_BINARY(Ne, ne)
SG_BINARY(Gt, gt)
SG_BINARY(Lt, lt)
SG_BINARY(Ge, ge)
SG_BINARY(Le, le)
SG_INPLACE_ALPHA(AddInPlace, add_)
SG_INPLACE_ALPHA(SubInPlace, sub_)
SG_INPLACE(MulInPlace, mul_)
SG_INPLACE(DivInPlace, div_)

at::Tensor Square(const at::Tensor& x) { return x * x; }
at::Tensor Transpose2d(const at::Tensor& x) { return x.t(); }
at::Tensor LogicalNot(const at::Tensor& x) { return at::logical_not(x); }

SG_UNARY(Neg, at::neg)
SG_UNARY(Sqrt, at::sqrt)
SG_UNARY(Rsqrt, at::rsqrt)
SG_UNARY(Exp, at::exp)
SG_UNARY(Log, at::log)
SG_UNARY(Abs, at::abs)
SG_UNARY(Sign, at::sign)
SG_UNARY(Floor, at::floor)
SG_UNARY(Ceil, at::ceil)
SG_UNARY(Round, at::round)
SG_UNARY(Sin, at::sin)
SG_UNARY(Cos, at::cos)
SG_UNARY(Log1p, at::log1p)
SG_UNARY(Reciprocal, at::reciprocal)
SG_UNARY(SquareOp, Square)
SG_UNARY(T, Transpose2d)
SG_UNARY(Not, LogicalNot)
SG_UNARY(IsNan, at::isnan)
SG_UNARY(IsFinite, at::isfinite)

// pow with a number base is not needed; clamp(input, min | null, max | null)
Napi::Value Clamp(const Napi::CallbackInfo& info) {
  Args a(info);
  auto lo = a.isNullish(1) ? c10::optional<at::Scalar>() : c10::optional<at::Scalar>(a.scalar(1, "min"));
  auto hi = a.isNullish(2) ? c10::optional<at::Scalar>() : c10::optional<at::Scalar>(a.scalar(2, "max"));
  return Wrap(a, at::clamp(a.tensor(0, "input"), lo, hi));
}

Napi::Value ClampInPlace(const Napi::CallbackInfo& info) {
  Args a(info);
  auto lo = a.isNullish(1) ? c10::optional<at::Scalar>() : c10::optional<at::Scalar>(a.scalar(1, "min"));
  auto hi = a.isNullish(2) ? c10::optional<at::Scalar>() : c10::optional<at::Scalar>(a.scalar(2, "max"));
  a.tensor(0, "input").clamp_(lo, hi);
  return a.env().Undefined();
}

Napi::Value ZeroInPlace(const Napi::CallbackInfo& info) {
  Args a(info);
  a.tensor(0, "input").zero_();
  return a.env().Undefined();
}

Napi::Value FillInPlace(const Napi::CallbackInfo& info) {
  Args a(info);
  a.tensor(0, "input").fill_(a.scalar(1, "value"));
  return a.env().Undefined();
}

// uniform_(input, from, to) / normal_(input, mean, std): PyTorch's initialisers, same generator.
Napi::Value UniformInPlace(const Napi::CallbackInfo& info) {
  Args a(info);
  a.tensor(0, "input").uniform_(a.number(1, "from"), a.number(2, "to"));
  return a.env().Undefined();
}

Napi::Value NormalInPlace(const Napi::CallbackInfo& info) {
  Args a(info);
  double std = a.number(2, "std");
  if (!(std >= 0)) throw Napi::RangeError::New(a.env(), "normal_ expects std >= 0.0, but found std " + std::to_string(std));
  a.tensor(0, "input").normal_(a.number(1, "mean"), std);
  return a.env().Undefined();
}

// setData(param, src): `param.data = src` (keeps the tensor object, swaps its storage/dtype/device).
Napi::Value SetData(const Napi::CallbackInfo& info) {
  Args a(info);
  a.tensor(0, "input").set_data(a.tensor(1, "src"));
  return a.env().Undefined();
}

Napi::Value CopyInPlace(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& src = a.tensor(1, "src");
  WithShapes(a, x, &src, [&] { return x.copy_(src); });
  return a.env().Undefined();
}

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& y = a.tensor(1, "other");
  return Wrap(a, WithShapes(a, x, &y, [&] { return at::matmul(x, y); }));
}

Napi::Value Where(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& cond = a.tensor(0, "condition");
  at::Tensor x = a.isTensor(1) ? a.tensor(1, "input") : at::Tensor();
  at::Tensor y = a.isTensor(2) ? a.tensor(2, "other") : at::Tensor();
  const at::Tensor& like = x.defined() ? x : (y.defined() ? y : cond);
  at::ScalarType type = x.defined() || y.defined() ? like.scalar_type() : at::kFloat;
  if (!x.defined()) x = at::scalar_tensor(a.scalar(1, "input"), at::TensorOptions().dtype(type).device(like.device()));
  if (!y.defined()) y = at::scalar_tensor(a.scalar(2, "other"), at::TensorOptions().dtype(type).device(like.device()));
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return NamedShapes({{"condition", &cond}, {"input", &x}, {"other", &y}}); },
                     [&] { return at::where(cond, x, y); }));
}

// Reductions: sum/mean(input, dims | null, keepdim, dtype | null)
Napi::Value Sum(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  c10::optional<at::ScalarType> dtype = a.optDtype(3, "dtype");
  if (a.isNullish(1)) return Wrap(a, x.sum(dtype));
  return Wrap(a, x.sum(at::IntArrayRef(a.intList(1, "dim")), a.boolean(2, "keepdim"), dtype));
}

Napi::Value Mean(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  c10::optional<at::ScalarType> dtype = a.optDtype(3, "dtype");
  if (a.isNullish(1)) return Wrap(a, x.mean(dtype));
  return Wrap(a, x.mean(at::IntArrayRef(a.intList(1, "dim")), a.boolean(2, "keepdim"), dtype));
}

// var(input, dims | null, unbiased, keepdim)
Napi::Value Var(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  bool unbiased = a.boolean(2, "unbiased");
  if (a.isNullish(1)) return Wrap(a, at::var(x, unbiased));
  return Wrap(a, at::var(x, at::IntArrayRef(a.intList(1, "dim")), unbiased, a.boolean(3, "keepdim")));
}

// norm(input, p, dims | null, keepdim)
Napi::Value Norm(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Scalar p = a.scalar(1, "p");
  if (a.isNullish(2)) return Wrap(a, at::norm(x, p));
  return Wrap(a, at::norm(x, p, a.intList(2, "dim"), a.boolean(3, "keepdim")));
}

// max/min(input) → tensor; maxDim/minDim(input, dim, keepdim) → [values, indices]
Napi::Value Max(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::max(a.tensor(0, "input")));
}

Napi::Value Min(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::min(a.tensor(0, "input")));
}

Napi::Value Pair(const Args& a, std::tuple<at::Tensor, at::Tensor> r) {
  Napi::Array out = Napi::Array::New(a.env(), 2);
  out.Set(0u, TensorWrap::New(a.env(), std::get<0>(r)));
  out.Set(1u, TensorWrap::New(a.env(), std::get<1>(r)));
  return out;
}

Napi::Value MaxDim(const Napi::CallbackInfo& info) {
  Args a(info);
  return Pair(a, at::max(a.tensor(0, "input"), a.integer(1, "dim"), a.boolean(2, "keepdim")));
}

Napi::Value MinDim(const Napi::CallbackInfo& info) {
  Args a(info);
  return Pair(a, at::min(a.tensor(0, "input"), a.integer(1, "dim"), a.boolean(2, "keepdim")));
}

// argmax/argmin(input, dim | null, keepdim)
Napi::Value Argmax(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::argmax(a.tensor(0, "input"), a.optInteger(1, "dim"), !a.isNullish(2) && a.boolean(2, "keepdim")));
}

Napi::Value Argmin(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::argmin(a.tensor(0, "input"), a.optInteger(1, "dim"), !a.isNullish(2) && a.boolean(2, "keepdim")));
}

// Shapes
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, a.tensor(0, "input").transpose(a.integer(1, "dim0"), a.integer(2, "dim1")));
}

Napi::Value Permute(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, a.tensor(0, "input").permute(a.intList(1, "dims")));
}

Napi::Value Reshape(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  auto shape = a.intList(1, "shape");
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return "reshaping a tensor of shape " + ShapeString(x.sizes()) + " to " + ShapeString(shape); },
                     [&] { return x.reshape(shape); }));
}

Napi::Value View(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  auto shape = a.intList(1, "shape");
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return "viewing a tensor of shape " + ShapeString(x.sizes()) + " as " + ShapeString(shape); },
                     [&] { return x.view(shape); }));
}

Napi::Value Flatten(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, a.tensor(0, "input").flatten(a.integer(1, "start_dim"), a.integer(2, "end_dim")));
}

Napi::Value Squeeze(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  if (a.isNullish(1)) return Wrap(a, x.squeeze());
  return Wrap(a, x.squeeze(a.integer(1, "dim")));
}

Napi::Value Unsqueeze(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, a.tensor(0, "input").unsqueeze(a.integer(1, "dim")));
}

Napi::Value Expand(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  auto shape = a.intList(1, "size");
  return Wrap(a, WithShapeContext(
                     a.env(), [&] { return "expanding a tensor of shape " + ShapeString(x.sizes()) + " to " + ShapeString(shape); },
                     [&] { return x.expand(shape); }));
}

Napi::Value Cat(const Napi::CallbackInfo& info) {
  Args a(info);
  auto tensors = a.tensorList(0, "tensors");
  int64_t dim = a.integer(1, "dim");
  return Wrap(a, WithShapeContext(a.env(), [&] { return ListShapes("tensors", tensors); }, [&] { return at::cat(tensors, dim); }));
}

Napi::Value Stack(const Napi::CallbackInfo& info) {
  Args a(info);
  auto tensors = a.tensorList(0, "tensors");
  int64_t dim = a.integer(1, "dim");
  return Wrap(a, WithShapeContext(a.env(), [&] { return ListShapes("tensors", tensors); }, [&] { return at::stack(tensors, dim); }));
}

// Indexing
Napi::Value Select(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, a.tensor(0, "input").select(a.integer(1, "dim"), a.integer(2, "index")));
}

// slice(input, dim, start | null, end | null, step)
Napi::Value Slice(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::slice(a.tensor(0, "input"), a.integer(1, "dim"), a.optInteger(2, "start"), a.optInteger(3, "end"),
                           a.integer(4, "step")));
}

Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::index_select(a.tensor(0, "input"), a.integer(1, "dim"), a.tensor(2, "index")));
}

Napi::Value Gather(const Napi::CallbackInfo& info) {
  Args a(info);
  return Wrap(a, at::gather(a.tensor(0, "input"), a.integer(1, "dim"), a.tensor(2, "index")));
}

Napi::Value MaskedFill(const Napi::CallbackInfo& info) {
  Args a(info);
  at::Tensor& x = a.tensor(0, "input");
  at::Tensor& mask = a.tensor(1, "mask");
  return Wrap(a, WithShapes(a, x, &mask, [&] { return x.masked_fill(mask, a.scalar(2, "value")); }));
}

}  // namespace

const std::vector<FunctionEntry>& TensorMathEntries() {
  static const std::vector<FunctionEntry> entries = {
      SG_ENTRY("add", Add),
      SG_ENTRY("sub", Sub),
      SG_ENTRY("mul", Mul),
      SG_ENTRY("div", Div),
      SG_ENTRY("pow", Pow),
      SG_ENTRY("eq", Eq),
      SG_ENTRY("ne", Ne),
      SG_ENTRY("gt", Gt),
      SG_ENTRY("lt", Lt),
      SG_ENTRY("ge", Ge),
      SG_ENTRY("le", Le),
      SG_ENTRY("add_", AddInPlace),
      SG_ENTRY("sub_", SubInPlace),
      SG_ENTRY("mul_", MulInPlace),
      SG_ENTRY("div_", DivInPlace),
      SG_ENTRY("neg", Neg),
      SG_ENTRY("sqrt", Sqrt),
      SG_ENTRY("rsqrt", Rsqrt),
      SG_ENTRY("exp", Exp),
      SG_ENTRY("log", Log),
      SG_ENTRY("abs", Abs),
      SG_ENTRY("sign", Sign),
      SG_ENTRY("floor", Floor),
      SG_ENTRY("ceil", Ceil),
      SG_ENTRY("round", Round),
      SG_ENTRY("sin", Sin),
      SG_ENTRY("cos", Cos),
      SG_ENTRY("log1p", Log1p),
      SG_ENTRY("reciprocal", Reciprocal),
      SG_ENTRY("square", SquareOp),
      SG_ENTRY("t", T),
      SG_ENTRY("logicalNot", Not),
      SG_ENTRY("isnan", IsNan),
      SG_ENTRY("isfinite", IsFinite),
      SG_ENTRY("clamp", Clamp),
      SG_ENTRY("clamp_", ClampInPlace),
      SG_ENTRY("zero_", ZeroInPlace),
      SG_ENTRY("fill_", FillInPlace),
      SG_ENTRY("copy_", CopyInPlace),
      SG_ENTRY("matmul", Matmul),
      SG_ENTRY("uniform_", UniformInPlace),
      SG_ENTRY("normal_", NormalInPlace),
      SG_ENTRY("setData", SetData),
      SG_ENTRY("where", Where),
      SG_ENTRY("sum", Sum),
      SG_ENTRY("mean", Mean),
      SG_ENTRY("var", Var),
      SG_ENTRY("norm", Norm),
      SG_ENTRY("max", Max),
      SG_ENTRY("min", Min),
      SG_ENTRY("maxDim", MaxDim),
      SG_ENTRY("minDim", MinDim),
      SG_ENTRY("argmax", Argmax),
      SG_ENTRY("argmin", Argmin),
      SG_ENTRY("transpose", Transpose),
      SG_ENTRY("permute", Permute),
      SG_ENTRY("reshape", Reshape),
      SG_ENTRY("view", View),
      SG_ENTRY("flatten", Flatten),
      SG_ENTRY("squeeze", Squeeze),
      SG_ENTRY("unsqueeze", Unsqueeze),
      SG_ENTRY("expand", Expand),
      SG_ENTRY("cat", Cat),
      SG_ENTRY("stack", Stack),
      SG_ENTRY("select", Select),
      SG_ENTRY("slice", Slice),
      SG_ENTRY("indexSelect", IndexSelect),
      SG_ENTRY("gather", Gather),
      SG_ENTRY("maskedFill", MaskedFill),
  };
  return entries;
}

}  // namespace sgoptim
