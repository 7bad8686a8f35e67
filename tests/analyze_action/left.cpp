#include "pair.h"

namespace pair_demo {

void Left::attach(const std::shared_ptr<Right>& r) {
  right = r;
  r->set_left(shared_from_this());
}

}  // namespace pair_demo
