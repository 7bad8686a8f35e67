#include "pair.h"

namespace pair_demo {

void Right::set_left(std::shared_ptr<Left> l) { left = std::move(l); }

}  // namespace pair_demo
