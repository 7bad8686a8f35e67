// Lambdas holding a handle that close nothing: a weak capture, a lambda
// stored into another object's callback, and a one-shot callback that the
// object empties when it fires.
#include <functional>
#include <memory>

struct Listener {
  std::function<void(int)> notify;
  std::function<void()> once;
  int seen = 0;
  void fire() {
    auto f = std::move(once);
    if (f)
      f();
  }
};

void watch_weakly(std::shared_ptr<Listener> l) {
  std::weak_ptr<Listener> weak = l;
  l->notify = [weak](int n) {
    if (auto self = weak.lock())
      self->seen += n;
  };
}

void forward(std::shared_ptr<Listener> from, std::shared_ptr<Listener> to) {
  from->notify = [to](int n) { to->seen += n; };
}

void arm(std::shared_ptr<Listener> l) {
  l->once = [l] { l->seen++; };
}
