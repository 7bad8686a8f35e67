// A by-value parameter copied once into storage at its last use: moving it
// there costs nothing.
#include <memory>
#include <string>
#include <vector>
#include <tenure/tenure.h>

class Node : public tenure::Object {};

class Holder {
public:
  explicit Holder(tenure::Ref<Node> node) : node_(node) {}
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: parameter 'node' is copied into storage at its last use; move it instead of copying the strong handle [tenure-needless-copy]
  // CHECK-FIXES: {{^}}  explicit Holder(tenure::Ref<Node> node) : node_(std::move(node)) {}

  void set(tenure::Ref<Node> node) {
    // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: parameter 'node' is copied {{.*}}
    if (node)
      node_ = node;
  }
  // CHECK-FIXES: {{^}}      node_ = std::move(node);

  void add(std::shared_ptr<std::string> s) {
    // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: parameter 's' is copied {{.*}}
    names_.push_back(s);
  }
  // CHECK-FIXES: {{^}}    names_.push_back(std::move(s));

  // Stored in a loop: it cannot move, but a const reference saves a copy.
  void fill(tenure::Ref<Node> node, int n) {
    // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: parameter 'node' copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
    for (int i = 0; i < n; ++i)
      all_.push_back(node);
  }
  // CHECK-FIXES: {{^}}  void fill(const tenure::Ref<Node>& node, int n) {

private:
  tenure::Ref<Node> node_;
  std::vector<tenure::Ref<Node>> all_;
  std::vector<std::shared_ptr<std::string>> names_;
};

// A reference bound to the parameter reads it; the copy into the member is
// still the last use.
struct Alias {
  tenure::Ref<Node> kept;
  void take(tenure::Ref<Node> node) {
    // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: parameter 'node' is copied {{.*}}
    const auto &view = node;
    (void)view.get();
    kept = node;
  }
  // CHECK-FIXES: {{^}}    kept = std::move(node);
};
