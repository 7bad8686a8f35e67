// tenure::Int and tenure::box: boxed integers, small ones shared.
#pragma once

#include <cstdint>

#include "tenure/ref.h"
#include "tenure/shared_object.h"

namespace tenure {

// An immutable boxed integer. Atomically counted (a SharedObject), so boxes
// pass freely between threads.
class Int final : public SharedObject {
  struct Key {};

 public:
  // The range CPython preallocates: box() returns shared instances for it.
  static constexpr std::int64_t kSmallMin = -5;
  static constexpr std::int64_t kSmallMax = 256;

  Int(Key, std::int64_t value) noexcept : value_(value) {}  // use box()
  std::int64_t value() const noexcept { return value_; }

 private:
  friend Ref<const Int> box(std::int64_t value);
  const std::int64_t value_;
};

// A box holding `value`. Values in [Int::kSmallMin, Int::kSmallMax] come from
// a table made once and never freed, so box(7) == box(7) (the same object)
// and boxing them allocates nothing; other values get a new box each time.
Ref<const Int> box(std::int64_t value);

}  // namespace tenure
