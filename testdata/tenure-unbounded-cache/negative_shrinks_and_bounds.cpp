// Containers that code erases from, clears, swaps, reassigns or bounds by a
// size check; insertions only in a constructor; containers that are not
// caches: nothing to report.
#include <algorithm>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>
#include <tenure/tenure.h>

struct Page { std::string text; };

class ErasesInALoop {
public:
  void put(int k) { cache_[k] = std::make_shared<Page>(); }
  void expire() {
    for (auto it = cache_.begin(); it != cache_.end();)
      it = it->second.use_count() == 1 ? cache_.erase(it) : std::next(it);
  }
private:
  std::map<int, std::shared_ptr<Page>> cache_;
};

// Cleared by a function the running program calls (a clear only reset()
// reaches is another matter: clear_only_in_reset.cpp).
class Clears {
public:
  void put(int k) { memo_.emplace(k, k * 2); }
  void onIdle() { memo_.clear(); }
private:
  std::unordered_map<int, int> memo_;
};

class Bounded {
public:
  void put(int k) {
    if (cache_.size() < 100)
      cache_.emplace(k, std::make_shared<Page>());
  }
private:
  std::map<int, std::shared_ptr<Page>> cache_;
};

class FilledOnce {
public:
  FilledOnce() {
    for (int i = 0; i < 10; ++i)
      lookup_.emplace(i, std::to_string(i));
  }
  std::string at(int i) const { return lookup_.at(i); }
private:
  std::map<int, std::string> lookup_;
};

// A hand-written LRU: the map is erased from when the list is popped.
class Lru {
public:
  void put(int k, std::shared_ptr<Page> p) {
    order_.push_front(k);
    cache_[k] = std::move(p);
    if (order_.size() > 8) {
      cache_.erase(order_.back());
      order_.pop_back();
    }
  }
private:
  std::list<int> order_;
  std::unordered_map<int, std::shared_ptr<Page>> cache_;
};

class Swaps {
public:
  void put(int k) { pool_.push_back(std::make_shared<Page>()); (void)k; }
  void drain() { std::vector<std::shared_ptr<Page>>().swap(pool_); }
  void erase_big() { std::erase_if(registry_, [](const auto &e) { return e.first > 10; }); }
  void add(int k) { registry_[k] = nullptr; }
  void replace() { lookups_ = {}; }
  void more(int k) { lookups_.push_back(k); }
private:
  std::vector<std::shared_ptr<Page>> pool_;
  std::map<int, std::shared_ptr<Page>> registry_;
  std::vector<int> lookups_;
};

// Not caches: a tree's children (a vector, not a keyed table of handles),
// a local vector, and tenure::LruCache itself.
struct Node : tenure::Object {
  std::vector<tenure::Ref<Node>> children;
  void add(tenure::Ref<Node> c) { children.push_back(std::move(c)); }
  void trace(tenure::Tracer &t) override { t(children); }
};
int local_only() {
  std::map<int, std::shared_ptr<Page>> cache;
  cache[1] = std::make_shared<Page>();
  return static_cast<int>(cache.size());
}
class UsesLru {
public:
  void put(int k) { cache_.put(k, std::make_shared<Page>()); }
private:
  tenure::LruCache<int, std::shared_ptr<Page>> cache_{16};
};

// Member functions defined in another file could erase: not judged here.
class Elsewhere {
public:
  void put(int k) { cache_[k] = std::make_shared<Page>(); }
  void evict(int k);
private:
  std::map<int, std::shared_ptr<Page>> cache_;
};
