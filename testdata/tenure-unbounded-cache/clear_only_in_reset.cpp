// The only shrink is a whole clear() in reset(): between resets the table
// grows with every new argument. A size check or an eviction on the
// insertion path bounds it; a clear that only reset() reaches does not.
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

class CachedFunction {
public:
  double operator()(double x) {
    auto it = values_.find(x);
    if (it != values_.end())
      return it->second;
    double y = x * x;
    values_[x] = y;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'CachedFunction::values_' only grows between resets: {{.*}} only 'CachedFunction::reset()' clears it{{.*}} [tenure-unbounded-cache]
    // CHECK-MESSAGES: :{{[0-9]+}}:{{[0-9]+}}: note: cleared only here, in 'CachedFunction::reset'
    return y;
  }
  void reset() { values_.clear(); }

private:
  std::map<double, double> values_;
};

// One map per output, each cleared in reset() only.
class PerOutput {
public:
  explicit PerOutput(unsigned n) : memo_(n) {}
  double gradient(unsigned i, double x) {
    auto &table = memo_[i];
    auto it = table.find(x);
    if (it != table.end())
      return it->second;
    return table[x] = 2 * x;
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'PerOutput::memo_{{\[\]}}' only grows between resets: {{.*}} only 'PerOutput::resetAll()' clears it{{.*}} [tenure-unbounded-cache]
    // CHECK-MESSAGES: :{{[0-9]+}}:{{[0-9]+}}: note: cleared only here, in 'PerOutput::resetAll'
  }
  void resetAll() {
    for (auto &table : memo_)
      table.clear();
  }

private:
  std::vector<std::map<double, double>> memo_;
};

// Cleared when full, on the insertion path: bounded.
class ClearsWhenFull {
public:
  int get(int k) {
    if (auto it = cache_.find(k); it != cache_.end())
      return it->second;
    if (cache_.size() > 1000)
      cache_.clear();
    return cache_[k] = k * 3;
  }
  void reset() { cache_.clear(); }

private:
  std::unordered_map<int, int> cache_;
};

// Evicts on the insertion path: bounded.
class Evicts {
public:
  void put(const std::string &k, int v) {
    if (cache_.size() >= 64)
      cache_.erase(cache_.begin());
    cache_[k] = v;
  }
  void reset() { cache_.clear(); }

private:
  std::map<std::string, int> cache_;
};

// Cleared once per frame by the render loop: the steady state reaches it.
class PerFrame {
public:
  void note(int id) { seenCache_.push_back(id); }
  void endFrame() { seenCache_.clear(); }

private:
  std::vector<int> seenCache_;
};

// Cleared only by its destructor: that is no bound at all.
class ClearedAtExit {
public:
  ~ClearedAtExit() { memo_.clear(); }
  long fib(int n) {
    if (n < 2)
      return n;
    if (auto it = memo_.find(n); it != memo_.end())
      return it->second;
    return memo_[n] = fib(n - 1) + fib(n - 2);
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'ClearedAtExit::memo_' only grows: {{.*}} [tenure-unbounded-cache]
  }

private:
  std::map<int, long> memo_;
};
