// Small object types shared by the runtime tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tenure/tenure.h"

namespace tenure::test {

// Counts live instances, so a test can see destructors run.
struct LiveCounter {
  static inline int live = 0;
  LiveCounter() { ++live; }
  LiveCounter(const LiveCounter&) { ++live; }
  ~LiveCounter() { --live; }
};

class Node : public Object, public LiveCounter {
 public:
  explicit Node(int value = 0) : value(value) {}
  void trace(Tracer& t) override {
    t("next", next);
    t("kids", kids);
  }

  int value;
  Ref<Node> next;
  Weak<Node> prev;
  std::vector<Ref<Node>> kids;
};

class Derived : public Node {
 public:
  using Node::Node;
  std::string label = "derived";
};

}  // namespace tenure::test
