#include "src/right/detail.h"

#include <pair/pair.h>

namespace bazel_pair {

void Right::set_left(std::shared_ptr<Left> l) { left = std::move(l); }

}  // namespace bazel_pair
