// The object written to is reached from `this` through a field: the way
// back is known even when nothing in this file fills that field.
#include <map>
#include <memory>
#include <string>

struct Observer;
struct Subject {
  std::map<std::string, std::shared_ptr<Observer>> observers;
};

struct Observer : std::enable_shared_from_this<Observer> {
  std::shared_ptr<Subject> subject;
  void subscribe(const std::string &key) {
    subject->observers[key] = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: strong reference cycle Subject -observers-> Observer -subject-> Subject closed here: {{.*}}; hold weak handles in 'Subject::observers' [tenure-ref-cycle]
  }
  void subscribe_again(const std::string &key) {
    subject->observers.emplace(key, shared_from_this());
  }
};
