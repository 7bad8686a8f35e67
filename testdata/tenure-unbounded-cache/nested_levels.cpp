// Nested containers are judged level by level: the outer map is pruned when
// a key's owner goes away, while the inner maps only grow.
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct Frame {};
struct Transform { double m[4]; };

class TransformCache {
public:
  void add(const Frame *from, const Frame *to, long t, const Transform &x) {
    auto fromIt = cache_.insert({from, {}}).first;
    auto toIt = fromIt->second.insert({to, {}}).first;
    toIt->second.insert({t, x});
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'TransformCache::cache_{{\[\]}}{{\[\]}}' only grows: {{.*}} [tenure-unbounded-cache]
  }
  const Transform *find(const Frame *from, const Frame *to, long t) const {
    auto a = cache_.find(from);
    if (a == cache_.end())
      return nullptr;
    auto b = a->second.find(to);
    if (b == a->second.end())
      return nullptr;
    auto c = b->second.find(t);
    return c == b->second.end() ? nullptr : &c->second;
  }
  void remove(const Frame *f) {
    cache_.erase(f);
    for (auto &[from, byTarget] : cache_)
      byTarget.erase(f);
  }

private:
  std::map<const Frame *, std::map<const Frame *, std::map<long, Transform>>>
      cache_;
};

// Subscripts and emplace through an iterator's second.
class Index {
public:
  void link(int owner, const std::string &name, int v) {
    byOwnerCache_[owner][name] = v;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Index::byOwnerCache_{{\[\]}}' only grows: {{.*}} [tenure-unbounded-cache]
  }
  void tag(int owner, int t) {
    auto it = tags_.find(owner);
    if (it == tags_.end())
      it = tags_.emplace(owner, std::vector<int>{}).first;
    it->second.push_back(t);
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'Index::tags_{{\[\]}}' only grows: {{.*}} [tenure-unbounded-cache]
  }
  void drop(int owner) {
    byOwnerCache_.erase(owner);
    tags_.erase(owner);
  }

private:
  std::unordered_map<int, std::map<std::string, int>> byOwnerCache_;
  std::map<int, std::vector<int>> tags_;
};

// Every level pruned or bounded: nothing to report.
class PrunedEverywhere {
public:
  void add(int a, int b, int v) {
    auto &inner = lookup_[a];
    if (inner.size() >= 16)
      inner.clear();
    inner[b] = v;
  }
  void forget(int a, int b) {
    auto it = lookup_.find(a);
    if (it != lookup_.end())
      it->second.erase(b);
  }
  void drop(int a) { lookup_.erase(a); }

private:
  std::map<int, std::map<int, int>> lookup_;
};

// A vector sized once, whose inner maps are erased from.
class PerSlot {
public:
  PerSlot() : memo_(8) {}
  void put(unsigned slot, int k, int v) { memo_.at(slot % 8)[k] = v; }
  void evict(unsigned slot, int k) { memo_.at(slot % 8).erase(k); }

private:
  std::vector<std::map<int, int>> memo_;
};
