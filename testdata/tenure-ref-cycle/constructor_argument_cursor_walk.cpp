// A cursor walks down a tree it is building: each new step gets the step it
// hangs from through its constructor, and the cursor moves on to the new
// step. The parent holds the child through 'next_steps', the child holds the
// parent through 'parent': a cycle per step, closed where the child is added.
#include <memory>
#include <string>
#include <vector>

struct Step {
  Step(std::string label, std::shared_ptr<Step> from)
      : label(std::move(label)), parent(std::move(from)) {}
  std::string label;
  std::shared_ptr<Step> parent;
  // CHECK-FIXES: std::weak_ptr<Step> parent;
  std::vector<std::shared_ptr<Step>> next_steps;
};

std::shared_ptr<Step> build(const std::vector<std::string> &labels) {
  auto root = std::make_shared<Step>("", nullptr);
  auto at = root;
  for (const std::string &label : labels) {
    auto next = std::make_shared<Step>(label, at);
    at->next_steps.push_back(next);
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: strong reference cycle Step -parent-> Step -next_steps-> Step closed here: its objects are never freed by reference counting; make 'Step::parent' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :13:25: note: 'Step::parent' holds a strong handle to 'Step'
    // CHECK-MESSAGES: :15:38: note: 'Step::next_steps' holds strong handles to 'Step' in a 'std::vector<std::shared_ptr<Step>>'
    at = next;
  }
  return root;
}

bool is_root(const Step &s) { return s.parent == nullptr; }
// CHECK-FIXES: bool is_root(const Step &s) { return s.parent.lock() == nullptr; }
