// Lambdas that capture a handle by copy and never escape: called on the
// spot or given to an algorithm that keeps no copy.
#include <algorithm>
#include <functional>
#include <memory>
#include <vector>
#include <tenure/tenure.h>

class Node : public tenure::Object {
public:
  int weight = 0;
};
using NodeRef = tenure::Ref<Node>;

int count_heavier(const std::vector<int> &limits) {
  NodeRef node = tenure::make<Node>();
  return static_cast<int>(std::count_if(
      limits.begin(), limits.end(), [node](int l) { return node->weight > l; }));
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: lambda captures the strong handle 'node' by copy but never escapes; capture it by reference [tenure-needless-copy]
}
// CHECK-FIXES: {{^}}      limits.begin(), limits.end(), [&node](int l) { return node->weight > l; }));

int called_now() {
  auto node = tenure::make<Node>();
  return [=] { return node->weight; }();
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: lambda captures the strong handle 'node' {{.*}}
}

// Not reported: kept in a std::function, mutable, moved out of, or
// capturing a reference the frame does not own.
std::function<int()> kept() {
  auto node = tenure::make<Node>();
  std::function<int()> f = [node] { return node->weight; };
  return f;
}
int changed() {
  auto node = tenure::make<Node>();
  return [node]() mutable {
    node = nullptr;
    return 0;
  }();
}
std::vector<NodeRef> out;
void moved_out() {
  auto node = tenure::make<Node>();
  [node] { out.push_back(node); }();
}
int through_reference(const NodeRef &node) {
  return [node] { return node->weight; }();
}
