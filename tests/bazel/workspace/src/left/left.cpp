// The edge Right::left is stored here: in another library than Right's code.
#include <pair/pair.h>

#ifndef LEFT_UNIT
#error "left.cpp is compiled without its local_defines"
#endif

namespace bazel_pair {

void Left::attach(const std::shared_ptr<Right>& r) {
  right = r;
  r->set_left(shared_from_this());
}

}  // namespace bazel_pair
