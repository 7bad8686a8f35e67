#include <functional>
#include <memory>

class Session : public std::enable_shared_from_this<Session> {
public:
  void start() {
    on_done_ = [self = shared_from_this()] {};
  }

private:
  std::function<void()> on_done_;
};
