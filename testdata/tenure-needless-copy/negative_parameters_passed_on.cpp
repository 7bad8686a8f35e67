// By-value parameters whose copy is the point, or whose signature is not
// theirs to change: nothing is reported.
#include <coroutine>
#include <functional>
#include <memory>
#include <utility>
#include <vector>
#include <tenure/tenure.h>

class Node : public tenure::Object {};
using NodeRef = tenure::Ref<Node>;

struct Sink {
  NodeRef kept;
  std::vector<NodeRef> all;
  std::function<void()> later;

  void moved(NodeRef n) { kept = std::move(n); }
  NodeRef returned(NodeRef n) { return n; }
  void mutated(NodeRef n) {
    n = nullptr;
    kept = n;
  }
  void reset_after_use(NodeRef n) {
    (void)n.get();
    n.reset();
  }
  void escapes(NodeRef n) { // clang-tidy-only: captured by an escaping lambda
    later = [n] { (void)n.get(); };
  }
  void by_reference_capture(NodeRef n) {
    later = [&n] { (void)n.get(); };
  }
  void stored_by_value(NodeRef n) { all.emplace_back(std::move(n)); }
  NodeRef *address(NodeRef n) { return &n == nullptr ? nullptr : nullptr; }
  void already_const_reference(const NodeRef &n) { kept = n; }
};

// Overrides, and virtual functions in general: the hierarchy owns the
// signature.
struct Visitor {
  virtual ~Visitor() = default;
  virtual void visit(NodeRef n) { (void)n.get(); } // clang-tidy-only: virtual
};
struct Printer : Visitor {
  void visit(NodeRef n) override { (void)n.get(); }
};

// A function whose address is taken must keep its type.
void callback(NodeRef n) { (void)n.get(); } // clang-tidy-only: address taken
std::function<void(NodeRef)> registered = callback;
void (*pointer)(NodeRef) = &callback;

// Macros.
#define DEFINE_READER(name) \
  int name(NodeRef n) { return n ? 1 : 0; }
DEFINE_READER(reader) // clang-tidy-only: written in a macro

// Coroutines: a reference parameter would dangle across a suspension.
struct Task {
  struct promise_type {
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};
Task later_use(NodeRef n) {
  co_await std::suspend_never{};
  (void)n.get();
}

// A weak handle is not counted by this check, nor is a raw pointer.
void weak(tenure::Weak<Node> w) { (void)w; } // clang-tidy-only: a weak handle
void raw(Node *n) { (void)n; }
