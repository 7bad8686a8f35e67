// A raw (non-owning) back pointer and a lambda capturing raw `this` do not
// keep anything alive.
#include <functional>
#include <memory>
#include <vector>

struct Tree;
struct Branch {
  Tree *tree = nullptr;
};
struct Tree {
  std::vector<std::shared_ptr<Branch>> branches;
  std::function<void()> on_change;
  void add(std::shared_ptr<Branch> b) {
    b->tree = this;
    branches.push_back(b);
    on_change = [this] { branches.clear(); };
  }
};
