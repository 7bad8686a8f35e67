// Binds that close nothing: 'this' (a raw pointer), a weak handle, a bind
// handed to an executor the object does not own, and a bind kept in a local.
#include <functional>
#include <memory>
#include <vector>

struct Queue {
  void post(std::function<void()> f) { pending.push_back(std::move(f)); }
  std::vector<std::function<void()>> pending;
};

class Worker : public std::enable_shared_from_this<Worker> {
public:
  explicit Worker(Queue &q) : queue_(q) {}
  void start() {
    on_tick_ = std::bind(&Worker::tick, this);
    queue_.post(std::bind(&Worker::tick, shared_from_this()));
    auto later = std::bind(&Worker::tick, shared_from_this());
    later();
  }
  void tick() {}

private:
  Queue &queue_;
  std::function<void()> on_tick_;
};

class Watch : public std::enable_shared_from_this<Watch> {
public:
  void start() {
    std::weak_ptr<Watch> weak = shared_from_this();
    on_change_ = std::bind(&Watch::poll, weak);
  }
  static void poll(std::weak_ptr<Watch> w) {
    if (auto self = w.lock())
      self->count_++;
  }

private:
  std::function<void()> on_change_;
  int count_ = 0;
};
