// The closing statement is written by a macro: reported at the expansion.
#include <memory>
#include <vector>

#define ADOPT(child) (child)->owner = shared_from_this()

struct Pool;
struct Worker {
  std::shared_ptr<Pool> owner;
};
struct Pool : std::enable_shared_from_this<Pool> {
  std::vector<std::shared_ptr<Worker>> workers;
  void hire(std::shared_ptr<Worker> w) {
    ADOPT(w);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: strong reference cycle Worker -owner-> Pool -workers-> Worker closed here: {{.*}} [tenure-ref-cycle]
    workers.push_back(w);
  }
};
