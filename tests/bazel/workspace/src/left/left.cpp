// The edge Right::left is stored here: in another library than Right's code.
#include <pair/pair.h>

#if !defined(LEFT_UNIT) || !defined(LEFT_COPTS)
#error "left.cpp is compiled without its local_defines or copts"
#endif

namespace bazel_pair {

void Left::attach(const std::shared_ptr<Right>& r) {
  right = r;
  r->set_left(shared_from_this());
}

}  // namespace bazel_pair
