// Local copies that are not needless: the keep-alive idiom (a call between
// the copy and its last use could drop the original) and copies that pass
// ownership on. A const reference is never offered here; where the copy is
// the original's last use, a move is.
#include <functional>
#include <memory>
#include <utility>
#include <vector>
#include <tenure/tenure.h>

class Node : public tenure::Object {
public:
  int weight = 0;
  void detach();  // May clear whatever holds this node.
  std::function<void()> on_change;
  tenure::Ref<Node> child;
};
using NodeRef = tenure::Ref<Node>;

// The caller's handle may be the very one detach() clears.
void close(const NodeRef &node) {
  NodeRef keep = node; // clang-tidy-only: keep-alive across detach()
  keep->detach();
  (void)keep->weight;
}

class Tree {
public:
  void notify() {
    NodeRef keep = root_;
    keep->detach();
    (void)keep->weight;
  }
  void callback() {
    auto keep = root_;
    keep->on_change();
  }
  void cleared() {
    auto keep = root_;
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: the strong handle is copied from a handle that the next statement destroys; move it instead [tenure-needless-copy]
    // CHECK-FIXES: {{^}}    auto keep = std::move(root_);
    root_.reset();
    (void)keep->weight;
  }
  void unused_guard() {
    auto guard = root_;
    root_->detach();
  }
  NodeRef returned() const {
    NodeRef copy = root_;
    return copy;
  }
  void stored() {
    NodeRef copy = root_;
    all_.push_back(copy);
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: local 'copy' is copied into storage at its last use; move it instead of copying the strong handle [tenure-needless-copy]
    // CHECK-FIXES: {{^}}    all_.push_back(std::move(copy));
  }
  void moved() {
    NodeRef copy = root_;
    all_.push_back(std::move(copy));
  }
  void changed() {
    NodeRef cursor = root_;
    while (cursor)
      cursor = cursor->child;
  }
  void escapes() {
    NodeRef copy = root_;
    later_ = [copy] { (void)copy->weight; };
  }
  int from_value() {
    NodeRef made = make_node();
    return made->weight;
  }
  static NodeRef make_node() { return tenure::make<Node>(); }

private:
  NodeRef root_;
  std::vector<NodeRef> all_;
  std::function<void()> later_;
};
