// A session stores a completion callback that captures a strong handle to
// the session itself: the session can never be freed.
#include <functional>
#include <memory>
#include <tenure/tenure.h>

class Session : public std::enable_shared_from_this<Session> {
public:
  void start() {
    on_done_ = [self = shared_from_this()] { self->finish(); };
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: strong reference cycle Session -on_done_-> Session closed here: {{.*}}; capture a weak handle in the lambda stored in 'Session::on_done_' [tenure-ref-cycle]
    // CHECK-MESSAGES: :[[@LINE-2]]:14: note: 'Session::on_done_' holds a lambda that captures a strong handle to 'Session'
  }
  void finish() {}

private:
  std::function<void()> on_done_;
};

// The same with tenure handles and a named local holding the self-handle.
class Job : public tenure::Object {
public:
  void schedule() {
    auto self = tenure::Ref<Job>::from_this(this);
    std::function<void()> cb = [self] { self->run(); };
    retries_.push_back(cb);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: strong reference cycle Job -retries_-> Job closed here: {{.*}} [tenure-ref-cycle]
  }
  void run() {}

private:
  std::vector<std::function<void()>> retries_;
};
