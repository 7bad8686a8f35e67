// In verification mode (TENURE_VERIFY) a Ref copy takes its call site as a
// defaulted std::source_location argument, so that copies are counted where
// they are made. The copies are the same and are reported the same, and the
// calls that copy into a by-value parameter are noted: that is where
// tenure-analyze --evidence finds their counts.
// FLAGS: -DTENURE_VERIFY=1
#include <tenure/tenure.h>

class Node : public tenure::Object {
public:
  int weight = 0;
};

int weigh(tenure::Ref<Node> node) {
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: parameter 'node' copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
  return node->weight;
}

int weigh_twice(const tenure::Ref<Node> &node) {
  return weigh(node) + weigh(tenure::make<Node>());
  // CHECK-MESSAGES: :[[@LINE-1]]:16: note: the handle is copied here
}

int read_local(const tenure::Ref<Node> &node) {
  tenure::Ref<Node> copy = node;
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: local 'copy' copies a strong handle but is only read while nothing can drop the original; bind it by const reference [tenure-needless-copy]
  return copy->weight;
}
