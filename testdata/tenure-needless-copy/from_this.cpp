// A handle made from `this` only to call through it.
#include <memory>
#include <tenure/tenure.h>

class Counter : public std::enable_shared_from_this<Counter> {
public:
  int count = 0;
  int get() const { return count; }
  void bump() {
    auto self = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'self' takes a strong handle to 'this' only to call through it; use 'this' directly [tenure-needless-copy]
    self->count += self->get();
  }
};

class Node : public tenure::Object {
public:
  int weight = 0;
  int twice() {
    tenure::Ref<Node> self = tenure::Ref<Node>::from_this(this);
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'self' takes a strong handle {{.*}}
    return self->weight * 2;
  }
};

// Not reported: the handle keeps the object alive across a call that could
// release it, or is handed on.
class Session : public std::enable_shared_from_this<Session> {
public:
  void close();
  void finish() {
    auto self = shared_from_this();
    self->close();
    ++self->closed;
  }
  std::shared_ptr<Session> handle() {
    auto self = shared_from_this();
    return self;
  }
  int closed = 0;
};
