// A range-for copy that is returned on one path, or stored again, still
// copies on every iteration: bind it by const reference and the return or
// the store makes the one copy it needs. The fixed file is built and run.
// RUN-FIXED: asan
#include <memory>
#include <vector>

struct Task {
  int id = 0;
  bool ready = false;
};
using TaskPtr = std::shared_ptr<Task>;

TaskPtr first_ready(const std::vector<TaskPtr> &tasks) {
  for (auto task : tasks)
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: loop variable 'task' copies a strong handle on every iteration but is only read; bind it by const reference [tenure-needless-copy]
    if (task->ready)
      return task;
  return nullptr;
}
// CHECK-FIXES: {{^}}  for (const auto& task : tasks)

std::vector<TaskPtr> ready_ones(const std::vector<TaskPtr> &tasks) {
  std::vector<TaskPtr> out;
  for (TaskPtr task : tasks)
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: loop variable 'task' copies {{.*}}
    if (task->ready)
      out.push_back(task);
  return out;
}
// CHECK-FIXES: {{^}}  for (const TaskPtr& task : tasks)

// Not reported: a copy moved on, a function returning a reference (the
// reference would outlive a temporary range), a copy the body changes.
std::vector<TaskPtr> moved_on(std::vector<TaskPtr> tasks) { // clang-tidy-only: a vector of handles, not a handle
  std::vector<TaskPtr> out;
  for (auto task : tasks)
    out.push_back(std::move(task));
  return out;
}
const TaskPtr &by_reference(const std::vector<TaskPtr> &tasks) {
  static const TaskPtr none;
  for (const auto &task : tasks)
    if (task->ready)
      return task;
  return none;
}
TaskPtr changed(const std::vector<TaskPtr> &tasks) {
  for (auto task : tasks) {
    if (!task->ready)
      task = nullptr;
    if (task)
      return task;
  }
  return nullptr;
}

int main() {
  std::vector<TaskPtr> tasks = {std::make_shared<Task>(Task{1, false}),
                                std::make_shared<Task>(Task{2, true})};
  int total = first_ready(tasks)->id + static_cast<int>(ready_ones(tasks).size()) +
              static_cast<int>(moved_on(tasks).size()) + by_reference(tasks)->id +
              changed(tasks)->id;
  return total == 2 + 1 + 2 + 2 + 2 ? 0 : 1;
}
