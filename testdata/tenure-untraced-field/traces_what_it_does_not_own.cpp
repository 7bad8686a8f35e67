// trace() must report only the object's own handles: visiting another
// object's field, a global or a local lets the collector free live objects.
#include <tenure/tenure.h>

struct Node;
tenure::Ref<Node> g_root;

struct Node : tenure::Object {
  tenure::Ref<Node> next;
  Node *peer = nullptr;
  void trace(tenure::Tracer &t) override {
    t(next);
    t(peer->next);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Node::trace' visits 'peer->next', which 'Node' does not own; the collector could free objects still in use [tenure-untraced-field]
    t(g_root);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Node::trace' visits 'g_root', which {{.*}} [tenure-untraced-field]
    tenure::Ref<Node> local = next;
    t(local);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Node::trace' visits 'local', which {{.*}} [tenure-untraced-field]
  }
  // CHECK-FIXES: t(next);
  // CHECK-FIXES-NEXT: //
  // CHECK-FIXES-NEXT: //
};
