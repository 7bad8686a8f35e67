#include "tenure/small_int.h"

#include <array>

#include "tenure/make.h"

namespace tenure {
namespace {

constexpr std::size_t kSmallCount = Int::kSmallMax - Int::kSmallMin + 1;
using SmallInts = std::array<Ref<const Int>, kSmallCount>;

}  // namespace

Ref<const Int> box(std::int64_t value) {
  // Made on first use and never destroyed: the shared boxes are immortal,
  // so handles to them stay valid during static destruction.
  static const SmallInts* const small = [] {
    auto* table = new SmallInts;
    for (std::size_t i = 0; i < kSmallCount; ++i) {
      (*table)[i] =
          make<Int>(Int::Key{}, Int::kSmallMin + static_cast<std::int64_t>(i));
    }
    return table;
  }();
  if (value >= Int::kSmallMin && value <= Int::kSmallMax) {
    return (*small)[static_cast<std::size_t>(value - Int::kSmallMin)];
  }
  return make<Int>(Int::Key{}, value);
}

}  // namespace tenure
