// A handler holding a self handle is posted to an executor the object owns
// by value, directly or through an I/O object constructed on it: while it is
// pending, the executor (a part of the object) keeps the object alive, and
// an operation that never completes keeps it forever. A stand-in for
// Boost.Asio is declared here so the case needs no Boost; the default
// RetainingSinks name boost::asio's and standalone asio's executors.
#include <functional>
#include <memory>

namespace boost::asio {
class io_context {
public:
  void post(std::function<void()> handler);
  void run();
};
class steady_timer {
public:
  explicit steady_timer(io_context &io);
  void async_wait(std::function<void(int)> handler);
};
} // namespace boost::asio

class Poller : public std::enable_shared_from_this<Poller> {
public:
  void start() {
    io_.post([self = shared_from_this()] { self->poll(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: strong reference cycle Poller -io_-> Poller closed here: its objects are never freed by reference counting; hold a weak handle in the handler given to 'Poller::io_', or end the pending work before the last outside handle goes [tenure-ref-cycle]
    // CHECK-MESSAGES: :[[@LINE-2]]:9: note: 'Poller::io_' keeps a pending handler that holds a strong handle to 'Poller'
  }
  void poll() {}

private:
  boost::asio::io_context io_;
};

class Ticker : public std::enable_shared_from_this<Ticker> {
public:
  Ticker() : timer_(io_) {}
  void arm() {
    timer_.async_wait(std::bind(&Ticker::tick, shared_from_this(), std::placeholders::_1));
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: strong reference cycle Ticker -io_-> Ticker closed here: {{.*}} [tenure-ref-cycle]
    // CHECK-MESSAGES: :[[@LINE-2]]:12: note: 'Ticker::io_' keeps a pending handler that holds a strong handle to 'Ticker'
  }
  void tick(int) {}

private:
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
};
