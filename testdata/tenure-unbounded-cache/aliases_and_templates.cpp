// The container behind an alias, in a class template, reached through a
// reference local.
#include <map>
#include <memory>
#include <string>

template <class Key, class Value> class Memo {
public:
  using Table = std::map<Key, std::shared_ptr<Value>>;
  std::shared_ptr<Value> get(const Key &k) {
    Table &table = memo_;
    auto [it, fresh] = table.try_emplace(k, nullptr);
    // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'Memo<{{.*}}, int>::memo_' only grows: {{.*}} [tenure-unbounded-cache]
    if (fresh)
      it->second = std::make_shared<Value>();
    return it->second;
  }

private:
  Table memo_;
};

int use() { return *Memo<std::string, int>().get("x"); }
