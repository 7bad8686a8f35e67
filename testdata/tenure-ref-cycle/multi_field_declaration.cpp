// Two fields share one declaration: turning the type weak would change both,
// so no fix-it is offered.
#include <memory>
#include <vector>

struct Parent;
struct Child {
  std::shared_ptr<Parent> parent, keep;
  // CHECK-FIXES: std::shared_ptr<Parent> parent, keep;
};
struct Parent : std::enable_shared_from_this<Parent> {
  std::vector<std::shared_ptr<Child>> children;
  void add(std::shared_ptr<Child> c) {
    c->parent = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: strong reference cycle Child -parent-> Parent -children-> Child closed here: {{.*}} [tenure-ref-cycle]
    children.push_back(c);
  }
};
