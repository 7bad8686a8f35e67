// trace() forgets a field: cycles through it are never collected.
#include <optional>
#include <tenure/tenure.h>
#include <vector>

struct Node : tenure::Object {
  tenure::Ref<Node> next;
  std::vector<tenure::Ref<Node>> children;
  std::optional<tenure::Ref<Node>> spare;
  tenure::Weak<Node> parent; // weak: nothing to trace
  Node *raw = nullptr;       // not owned
  int value = 0;

  void trace(tenure::Tracer &t) override { t(next); }
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'Node::trace' does not visit 'children'; the collector cannot free cycles through it [tenure-untraced-field]
  // CHECK-MESSAGES: :8:34: note: 'children' declared here
  // CHECK-MESSAGES: :[[@LINE-3]]:8: warning: 'Node::trace' does not visit 'spare'; {{.*}} [tenure-untraced-field]
  // CHECK-MESSAGES: :9:36: note: 'spare' declared here
  // CHECK-FIXES: void trace(tenure::Tracer &t) override { t(next); t(children); t(spare); }
};

// Out of line, in the same file; the named form counts as a visit.
struct Pair : tenure::Object {
  tenure::Ref<Node> first;
  tenure::Ref<Node> second;
  void trace(tenure::Tracer &t) override;
};

void Pair::trace(tenure::Tracer &tracer) {
  tracer("first", first);
}
// CHECK-MESSAGES: :[[@LINE-3]]:12: warning: 'Pair::trace' does not visit 'second'; {{.*}} [tenure-untraced-field]
// CHECK-FIXES: tracer("first", first);
// CHECK-FIXES-NEXT: tracer(second); }
