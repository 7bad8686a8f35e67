// A private header of //src/right (in srcs).
#pragma once
#include <utility>

namespace bazel_pair::detail {

template <typename T, typename U>
void store(T& field, U&& value) {
  field = std::forward<U>(value);
}

}  // namespace bazel_pair::detail
