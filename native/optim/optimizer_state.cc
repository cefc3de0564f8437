#include "optim/optimizer_state.h"

#include <cstdint>
#include <string>

namespace sgoptim {
namespace {

// Up to LibTorch 2.1 torch::optim keys its state by c10::guts::to_string(TensorImpl*), i.e. what
// `ostream << ptr` prints: "0x" and lowercase hex digits. Formatting it by hand gives the same key
// without constructing an ostringstream (locale, facets) per parameter per step, which cost about
// 1 µs per tensor on the fused path. The fused-to-reference switching test proves the keys agree.
template <typename Key>
Key MakeStateKey(c10::TensorImpl* impl) {
  if constexpr (std::is_same_v<Key, std::string>) {
    auto v = reinterpret_cast<std::uintptr_t>(impl);
    if (v == 0) return "0";
    char buf[2 + 2 * sizeof(v)];
    char* end = buf + sizeof(buf);
    char* q = end;
    while (v != 0) {
      *--q = "0123456789abcdef"[v & 0xf];
      v >>= 4;
    }
    *--q = 'x';
    *--q = '0';
    return std::string(q, end);
  } else {
    return static_cast<Key>(impl);  // LibTorch 2.2+: the pointer itself
  }
}

}  // namespace

StateMapKey StateKey(const at::Tensor& param) { return MakeStateKey<StateMapKey>(param.unsafeGetTensorImpl()); }

}  // namespace sgoptim
