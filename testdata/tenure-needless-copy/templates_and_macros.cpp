// Templates are checked once, in their pattern; macros are left alone.
#include <memory>
#include <vector>
#include <tenure/tenure.h>

class Node : public tenure::Object {
public:
  int weight = 0;
};

template <class T>
int scaled(tenure::Ref<Node> node, T factor) {
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: parameter 'node' copies {{.*}}
  return node->weight * static_cast<int>(factor);
}
// CHECK-FIXES: {{^}}int scaled(const tenure::Ref<Node>& node, T factor) {
int use_scaled() { return scaled(tenure::make<Node>(), 2) + scaled(tenure::make<Node>(), 3.0); }

// A dependent handle type is still a handle, whatever it points to.
template <class T>
int generic(tenure::Ref<T> node) { return node->weight; }
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: parameter 'node' copies {{.*}}
// CHECK-FIXES: {{^}}int generic(const tenure::Ref<T>& node) { return node->weight; }
int use_generic() { return generic(tenure::make<Node>()); }

template <class T>
struct Box {
  std::shared_ptr<T> item;
  int read(std::shared_ptr<int> extra) const { return *extra; }
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: parameter 'extra' copies {{.*}}
};
int use_box() {
  Box<int> b;
  return b.read(std::make_shared<int>(1));
}

#define LOOP_OVER(v, body) for (auto x : v) body
#define COPY_OF(v) auto copy_##v = v
int macros(const std::vector<tenure::Ref<Node>> &nodes, const tenure::Ref<Node> &n) {
  int total = 0;
  LOOP_OVER(nodes, total += x->weight;)
  COPY_OF(n); // clang-tidy-only: written in a macro
  return total + copy_n->weight;
}
