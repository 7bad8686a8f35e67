// A service memoises results in a member map that nothing ever erases.
#include <memory>
#include <string>
#include <unordered_map>

struct Result {
  std::string text;
};

class Renderer {
public:
  std::shared_ptr<Result> render(const std::string &page) {
    auto &slot = cache_[page];
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'Renderer::cache_' only grows: entries are inserted here and never erased, cleared or bounded by a size check, and it keeps every object it holds alive; bound it (tenure::LruCache), add an erase path, or hold weak values [tenure-unbounded-cache]
    // CHECK-MESSAGES: :[[@LINE+8]]:60: note: 'Renderer::cache_' declared here as 'std::unordered_map<std::string, std::shared_ptr<Result>>'
    if (!slot)
      slot = std::make_shared<Result>(Result{page});
    return slot;
  }
  size_t size() const { return cache_.size(); }

private:
  std::unordered_map<std::string, std::shared_ptr<Result>> cache_;
};
