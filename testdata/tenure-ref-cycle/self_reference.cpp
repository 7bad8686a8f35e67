// An object holding itself: directly, or through a self-handle member.
#include <memory>
#include <tenure/tenure.h>

struct Node {
  std::shared_ptr<Node> self;
};

void pin(std::shared_ptr<Node> n) {
  n->self = n;
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: strong reference cycle Node -self-> Node closed here: {{.*}}; break the loop before its last outside handle goes, or hold 'Node::self' weakly [tenure-ref-cycle]
}

class KeepAlive : public tenure::Object {
public:
  void keep() {
    self_ = tenure::Ref<KeepAlive>::from_this(this);
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: strong reference cycle KeepAlive -self_-> KeepAlive closed here: {{.*}}; make 'KeepAlive::self_' a weak handle [tenure-ref-cycle]
  }
  void trace(tenure::Tracer &t) override { t(self_); }

private:
  tenure::Ref<KeepAlive> self_;
  // CHECK-FIXES: tenure::Weak<KeepAlive> self_;
};
