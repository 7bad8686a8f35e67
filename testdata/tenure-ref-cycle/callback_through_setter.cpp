// The session owns a timer by value; the timer's setter stores the callback
// it is given; the session hands it a lambda holding the session.
#include <functional>
#include <memory>

class Timer {
public:
  void set_callback(std::function<void()> cb) { callback_ = std::move(cb); }

private:
  std::function<void()> callback_;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
  void start() {
    timer_.set_callback([self = shared_from_this()] { self->on_timeout(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: strong reference cycle Timer -callback_-> Connection -timer_-> Timer closed here: {{.*}}; capture a weak handle in the lambda stored in 'Timer::callback_' [tenure-ref-cycle]
    // CHECK-MESSAGES: :[[@LINE-2]]:12: note: 'Timer::callback_' holds a lambda that captures a strong handle to 'Connection'
    // CHECK-MESSAGES: :25:9: note: 'Connection::timer_' owns a 'Timer'
  }
  void on_timeout() {}

private:
  Timer timer_;
};
