// Handlers holding a self handle posted to executors the object does not
// own: a reference to a shared io_context, a timer constructed on it, and a
// weak handle posted to the object's own executor.
#include <functional>
#include <memory>

namespace boost::asio {
class io_context {
public:
  void post(std::function<void()> handler);
};
class steady_timer {
public:
  explicit steady_timer(io_context &io);
  void async_wait(std::function<void(int)> handler);
};
} // namespace boost::asio

class Client : public std::enable_shared_from_this<Client> {
public:
  explicit Client(boost::asio::io_context &io) : io_(io), timer_(io) {}
  void start() {
    io_.post([self = shared_from_this()] { self->run(); });
    timer_.async_wait([self = shared_from_this()](int) { self->run(); });
    own_.post([weak = weak_from_this()] {
      if (auto self = weak.lock())
        self->run();
    });
  }
  void run() {}

private:
  boost::asio::io_context &io_;
  boost::asio::steady_timer timer_;
  boost::asio::io_context own_;
};
