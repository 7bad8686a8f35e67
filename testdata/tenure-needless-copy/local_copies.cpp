// Copy-initialised locals that are only read, where nothing between the copy
// and its last use could drop the original.
#include <memory>
#include <tenure/tenure.h>

class Node : public tenure::Object {
public:
  int weight = 0;
  int value() const { return weight; }
  tenure::Ref<Node> next;
  const tenure::Ref<Node> &peek() const { return next; }
};
using NodeRef = tenure::Ref<Node>;

int from_const_reference(const NodeRef &n) {
  NodeRef copy = n;
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: local 'copy' copies a strong handle but is only read while nothing can drop the original; bind it by const reference [tenure-needless-copy]
  return copy->weight + copy->value();
}
// CHECK-FIXES: {{^}}  const NodeRef& copy = n;

class Graph {
public:
  int root_weight() const {
    auto root = root_;
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: local 'root' copies {{.*}}
    return root ? root->weight : 0;
  }
  // CHECK-FIXES: {{^}}    const auto& root = root_;
  int next_weight(const Node *n) const {
    const auto next = n->next;
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: local 'next' copies {{.*}}
    return next->weight;
  }
  // CHECK-FIXES: {{^}}    const auto& next = n->next;
  int peeked(const Node &n) const {
    NodeRef p = n.peek();
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: local 'p' copies {{.*}}
    return p->weight;
  }
  // CHECK-FIXES: {{^}}    const NodeRef& p = n.peek();

private:
  NodeRef root_;
};

// A copy of a local the function owns: nothing else can drop it.
int of_local() {
  std::shared_ptr<int> made = std::make_shared<int>(3);
  std::shared_ptr<int> copy = made;
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: local 'copy' copies {{.*}}
  return *copy + *made;
}
// CHECK-FIXES: {{^}}  const std::shared_ptr<int>& copy = made;

// Two copies in one declaration: reported, but no fix-it, which would turn
// the second into a const copy as well.
int two_at_once(const NodeRef &x, const NodeRef &y) {
  NodeRef a = x, b = y;
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: local 'a' copies {{.*}}
  // CHECK-MESSAGES: :[[@LINE-2]]:18: warning: local 'b' copies {{.*}}
  return a->weight + b->weight;
}
// CHECK-FIXES: {{^}}  NodeRef a = x, b = y;
