// A closure holding the owner is handed to a method of an object the owner
// holds, which keeps it: in a container of std::function, through a
// forwarding template, one call deeper. The callee's summary says that it
// retains its argument.
#include <functional>
#include <memory>
#include <utility>
#include <vector>

class Hooks {
public:
  template <class F> void push(F &&f) { add(std::forward<F>(f)); }
  void add(std::function<void()> f) { cleanup_.push_back(std::move(f)); }
  void run_now(const std::function<void()> &f) { f(); }

private:
  std::vector<std::function<void()>> cleanup_;
};

class Owner : public std::enable_shared_from_this<Owner> {
public:
  void arm() {
    auto guard = shared_from_this();
    hooks_->run_now([guard] { guard->done(); });
    hooks_->push([guard] { guard->done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: strong reference cycle Hooks -cleanup_-> Owner -hooks_-> Hooks closed here: its objects are never freed by reference counting; capture a weak handle in the lambda stored in 'Hooks::cleanup_' [tenure-ref-cycle]
    // CHECK-MESSAGES: :[[@LINE-2]]:13: note: 'Hooks::cleanup_' holds a lambda that captures a strong handle to 'Owner'
    // CHECK-MESSAGES: :33:26: note: 'Owner::hooks_' holds a strong handle to 'Hooks'
  }
  void done() {}

private:
  std::shared_ptr<Hooks> hooks_ = std::make_shared<Hooks>();
};
