// Two types that own each other: Left -right-> Right -left-> Left.
#pragma once
#include <memory>

#ifndef PAIR_MODEL
#error "pair.h is compiled without the model library's defines"
#endif

namespace bazel_pair {

struct Right;

struct Left : std::enable_shared_from_this<Left> {
  std::shared_ptr<Right> right;
  void attach(const std::shared_ptr<Right>& r);
};

struct Right {
  std::shared_ptr<Left> left;
  void set_left(std::shared_ptr<Left> l);
};

}  // namespace bazel_pair
