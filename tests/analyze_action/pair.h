// tenure_analyze() test input: a cycle whose two edges are written in two
// different translation units (left.cpp, right.cpp).
#pragma once
#include <memory>

namespace pair_demo {

struct Right;

struct Left : std::enable_shared_from_this<Left> {
  std::shared_ptr<Right> right;
  void attach(const std::shared_ptr<Right>& r);
};

struct Right {
  std::shared_ptr<Left> left;
  void set_left(std::shared_ptr<Left> l);
};

}  // namespace pair_demo
