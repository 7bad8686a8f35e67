// A finding can be suppressed where it is reported.
#include <memory>

struct Node {
  std::shared_ptr<Node> self;
};

void pin(std::shared_ptr<Node> n) {
  n->self = n; // NOLINT(tenure-ref-cycle): released by Node::close()
}

struct Other {
  std::shared_ptr<Other> self;
};

void pin_other(std::shared_ptr<Other> o) {
  // NOLINTNEXTLINE(tenure-*)
  o->self = o;
}
