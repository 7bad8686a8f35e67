// A visit of another object's field inside an unbraced if: reported, and no
// removal is offered (removing it would leave the if without a body).
#include <tenure/tenure.h>

struct Node : tenure::Object {
  tenure::Ref<Node> next;
  Node *peer = nullptr;
  void trace(tenure::Tracer &t) override {
    t(next);
    if (peer)
      t(peer->next);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'Node::trace' visits 'peer->next', which 'Node' does not own; {{.*}} [tenure-untraced-field]
  }
  // CHECK-FIXES: t(peer->next);
};
