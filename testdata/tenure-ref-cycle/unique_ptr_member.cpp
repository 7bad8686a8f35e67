// An owner keeps its implementation in a unique_ptr; the implementation
// holds a strong handle back to the owner.
#include <memory>

class Engine;
struct EngineImpl {
  std::shared_ptr<Engine> engine;
};
class Engine : public std::enable_shared_from_this<Engine> {
public:
  void init() {
    impl_ = std::make_unique<EngineImpl>();
    impl_->engine = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: strong reference cycle EngineImpl -engine-> Engine -impl_-> EngineImpl closed here: {{.*}} [tenure-ref-cycle]
  }
private:
  std::unique_ptr<EngineImpl> impl_;
};
