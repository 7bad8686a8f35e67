// A handle copied out of a container element or a slot right before the
// next statement destroys that element (pop_front, pop_back, pop, erase) or
// overwrites the slot: moving it costs nothing. Also through a reference
// bound to the element. The fixed file is built, linked and run.
// RUN-FIXED: asan
#include <deque>
#include <map>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

struct Job {
  int cost = 0;
};
using JobPtr = std::shared_ptr<Job>;

class Scheduler {
public:
  void next() {
    slot_ = queue_.front();
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the strong handle is copied from an element that the next statement destroys; move it instead [tenure-needless-copy]
    // CHECK-FIXES: {{^}}    slot_ = std::move(queue_.front());
    queue_.pop_front();
  }
  void last() {
    slot_ = stack_.back();
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the strong handle is copied {{.*}}
    // CHECK-FIXES: {{^}}    slot_ = std::move(stack_.back());
    stack_.pop_back();
  }
  void take(int key) {
    auto it = table_.find(key);
    if (it == table_.end())
      return;
    slot_ = it->second;
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the strong handle is copied {{.*}}
    // CHECK-FIXES: {{^}}    slot_ = std::move(it->second);
    table_.erase(it);
  }
  void through_alias() {
    auto &head = queue_.front();
    slot_ = head;
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the strong handle is copied {{.*}}
    // CHECK-FIXES: {{^}}    slot_ = std::move(head);
    queue_.pop_front();
  }
  void hand_over(std::size_t i) {
    auto &from = inbox_[i];
    outbox_[i] = from;
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: the strong handle is copied {{.*}}
    // CHECK-FIXES: {{^}}    outbox_[i] = std::move(from);
    inbox_[i] = nullptr;
  }
  void into_queue() {
    done_.push(queue_.front());
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: the strong handle is copied {{.*}}
    // CHECK-FIXES: {{^}}    done_.push(std::move(queue_.front()));
    queue_.pop_front();
  }

  // Not reported: the element is read after the copy, the copy is not
  // right before the destruction, the element is const, another
  // container's element is destroyed, or the element goes back into its own
  // container.
  int still_read() {
    slot_ = queue_.front();
    int cost = queue_.front()->cost;
    queue_.pop_front();
    return cost;
  }
  void other_container() {
    slot_ = queue_.front();
    stack_.pop_back();
  }
  void const_alias() {
    const auto &head = queue_.front();
    slot_ = head;
    queue_.pop_front();
  }
  void rotate() {
    queue_.push_back(queue_.front());
    queue_.pop_front();
  }
  void kept_in_both() {
    slot_ = queue_.front();
    queue_.push_back(queue_.front());
    queue_.pop_front();
  }

  std::deque<JobPtr> queue_;
  std::vector<JobPtr> stack_;
  std::map<int, JobPtr> table_;
  std::vector<JobPtr> inbox_, outbox_;
  std::queue<JobPtr> done_;
  JobPtr slot_;
};

int main() {
  Scheduler s;
  auto job = [](int cost) { return std::make_shared<Job>(Job{cost}); };
  s.queue_ = {job(1), job(2), job(3), job(4)};
  s.stack_ = {job(5)};
  s.table_[7] = job(7);
  s.inbox_ = {job(9)};
  s.outbox_.resize(1);
  int total = 0;
  s.next();
  total += s.slot_->cost;
  s.last();
  total += s.slot_->cost;
  s.take(7);
  total += s.slot_->cost;
  s.through_alias();
  total += s.slot_->cost;
  s.hand_over(0);
  total += s.outbox_[0]->cost + (s.inbox_[0] == nullptr ? 0 : 100);
  s.into_queue();
  total += s.done_.front()->cost;
  return total == 1 + 5 + 7 + 2 + 9 + 3 ? 0 : 1;
}
