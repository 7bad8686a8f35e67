// A self-capturing lambda stored in an object the owner does not hold, or
// in a global registry: the owner does not keep that storage alive, so no
// cycle (the storage keeps the owner alive until it is cleared, which is
// not a leak of a cycle).
#include <functional>
#include <memory>
#include <vector>

struct Button {
  std::function<void()> on_click;
};

std::vector<std::function<void()>> &registry();

class Dialog : public std::enable_shared_from_this<Dialog> {
public:
  void bind(const std::shared_ptr<Button> &ok) {
    ok->on_click = [self = shared_from_this()] { self->close(); };
    registry().push_back([self = shared_from_this()] { self->close(); });
    auto keep = shared_from_this();
    use(keep);
  }
  void close() {}
  static void use(const std::shared_ptr<Dialog> &) {}

private:
  std::weak_ptr<Button> ok_;
};
