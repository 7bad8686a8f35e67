// The usual fixes for a self-capturing callback: a weak handle made from
// shared_from_this(), and a one-shot handler that the owner empties before
// running it.
#include <functional>
#include <memory>

struct Subject {
  std::function<void()> callback;
};

struct Observer : std::enable_shared_from_this<Observer> {
  std::shared_ptr<Subject> subject = std::make_shared<Subject>();
  void watch() {
    std::weak_ptr<Observer> weak = shared_from_this();
    subject->callback = [weak] {
      if (auto self = weak.lock()) self->notify();
    };
  }
  void notify() {}
};

class Timer {
public:
  void async_wait(std::function<void()> handler) { handler_ = std::move(handler); }
  void fire() {
    auto handler = std::move(handler_);
    handler();
  }
private:
  std::function<void()> handler_;
};

class Session : public std::enable_shared_from_this<Session> {
public:
  void start() { timer_.async_wait([self = shared_from_this()] { self->done(); }); }
  void done() {}
private:
  Timer timer_;
};
