// A constructor seeding the cache, or a size check in one function, does not
// bound an insertion elsewhere; a lambda made in a constructor is not the
// constructor. Names are matched as words: `memory_` is not a memo.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Page {};

class Seeded {
public:
  Seeded() { cache_.emplace(0, std::make_shared<Page>()); }
  void add(int k) { cache_.emplace(k, std::make_shared<Page>()); }
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'Seeded::cache_' only grows: {{.*}} [tenure-unbounded-cache]
private:
  std::map<int, std::shared_ptr<Page>> cache_;
};

class BoundedOnce {
public:
  void careful(int k) {
    if (cache_.size() < 10)
      cache_.emplace(k, std::make_shared<Page>());
  }
  void careless(int k) { cache_.emplace(k, std::make_shared<Page>()); }
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'BoundedOnce::cache_' only grows: {{.*}} [tenure-unbounded-cache]
private:
  std::map<int, std::shared_ptr<Page>> cache_;
};

class Deferred {
public:
  Deferred() {
    on_page_ = [this](int k) { cache_.emplace(k, std::make_shared<Page>()); };
    // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'Deferred::cache_' only grows: {{.*}} [tenure-unbounded-cache]
  }
  void page(int k) { on_page_(k); }
private:
  std::function<void(int)> on_page_;
  std::map<int, std::shared_ptr<Page>> cache_;
};

class Buffer {
public:
  void write(char c) { memory_.push_back(c); }
private:
  std::vector<char> memory_;
};

// Handed to code the check does not follow: counted as shrinking.
void trim(std::map<int, std::shared_ptr<Page>> &table);
class Handed {
public:
  void add(int k) { cache_.emplace(k, std::make_shared<Page>()); }
  void maintain() { trim(cache_); }
private:
  std::map<int, std::shared_ptr<Page>> cache_;
};
