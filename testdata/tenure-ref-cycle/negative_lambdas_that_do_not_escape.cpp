// Lambdas holding a strong self-handle that are called directly, passed to
// an algorithm, kept in a local, or posted to a queue the object does not
// own: none of them is stored in the object, so none is a cycle.
#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

struct Queue {
  std::vector<std::function<void()>> tasks;
  void post(std::function<void()> task) { tasks.push_back(std::move(task)); }
};
Queue &main_queue();

class Worker : public std::enable_shared_from_this<Worker> {
public:
  void run() {
    auto self = shared_from_this();
    [self] { self->step(); }();
    std::for_each(items_.begin(), items_.end(), [self](int) { self->step(); });
    std::function<void()> local = [self] { self->step(); };
    local();
    main_queue().post([self] { self->step(); });
  }
  void step() {}

private:
  std::vector<int> items_;
};
