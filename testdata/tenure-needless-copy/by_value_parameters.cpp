// By-value handle parameters that are only read: every call pays an
// increment and a decrement for nothing. The declaration above the
// definition changes too, or the fixed code would not link.
#include <memory>
#include <tenure/tenure.h>

class Node : public tenure::Object {
public:
  int weight = 0;
  int value() const { return weight; }
};
using NodeRef = tenure::Ref<Node>;

int weigh(tenure::Ref<Node> node);

int weigh(tenure::Ref<Node> node) {
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: parameter 'node' copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
  return node->weight + node->value();
}
// CHECK-FIXES: {{^}}int weigh(const tenure::Ref<Node>& node);
// CHECK-FIXES: {{^}}int weigh(const tenure::Ref<Node>& node) {

// Through an alias, and a parameter already declared const.
bool same(NodeRef a, const NodeRef b) {
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: parameter 'a' copies {{.*}}
  // CHECK-MESSAGES: :[[@LINE-2]]:36: warning: parameter 'b' copies {{.*}}
  return a == b && a.get() != nullptr;
}
// CHECK-FIXES: {{^}}bool same(const NodeRef& a, const NodeRef& b) {

// std::shared_ptr is a strong handle by default.
struct Widget {
  int size = 0;
};
int measure(std::shared_ptr<Widget> w) {
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: parameter 'w' copies {{.*}}
  return w ? w->size : 0;
}
// CHECK-FIXES: {{^}}int measure(const std::shared_ptr<Widget>& w) {

// Passed on by const reference is still a read.
int inspect(const std::shared_ptr<Widget> &w) { return w->size; }
int forward_to_inspect(std::shared_ptr<Widget> w) {
  // CHECK-MESSAGES: :[[@LINE-1]]:48: warning: parameter 'w' copies {{.*}}
  return inspect(w);
}

// A member function, declared in the class and defined outside it.
class Scene {
public:
  void show(tenure::Ref<Node> node) const;
  int total = 0;
};
void Scene::show(tenure::Ref<Node> node) const {
  // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: parameter 'node' copies {{.*}}
  (void)node->weight;
}
// CHECK-FIXES: {{^}}  void show(const tenure::Ref<Node>& node) const;
// CHECK-FIXES: {{^}}void Scene::show(const tenure::Ref<Node>& node) const {

// Copied twice into storage: a const reference saves the caller's copy.
struct Pair {
  tenure::Ref<Node> first, second;
  void both(tenure::Ref<Node> n) {
    // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: parameter 'n' copies {{.*}}
    first = n;
    second = n;
  }
};

// An unnamed parameter is never read: the copy is all it costs.
void ignored(NodeRef, int) {}
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: parameter #1 copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
// CHECK-FIXES: {{^}}void ignored(const NodeRef&, int) {}
