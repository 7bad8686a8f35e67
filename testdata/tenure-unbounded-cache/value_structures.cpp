// Structures of ordinary objects: containers of values that are made and
// destroyed as values. They grow as their owner is built and die with it;
// nothing says they live long or are used as caches (a member named like a
// cache is the exception, at the end).
#include <map>
#include <memory>
#include <string>
#include <vector>

// A JSON-like value: its members map is the value's own structure.
class Value {
public:
  Value &set(const std::string &key, Value v) {
    members_[key] = std::move(v);
    return *this;
  }
  void append(Value v) { items_.push_back(std::move(v)); }

private:
  std::map<std::string, Value> members_;
  std::vector<Value> items_;
};

// A module's symbol table, built while the module is parsed.
struct Symbol {
  std::string name;
  int kind = 0;
};

class Module {
public:
  void declare(const std::string &name, int kind) {
    symbols_.emplace(name, std::make_shared<Symbol>(Symbol{name, kind}));
    order_.push_back(name);
  }
  std::shared_ptr<Symbol> lookupSymbol(const std::string &name) const {
    auto it = symbols_.find(name);
    return it == symbols_.end() ? nullptr : it->second;
  }

private:
  std::map<std::string, std::shared_ptr<Symbol>> symbols_;
  std::vector<std::string> order_;
};

// A value type with a member named like a cache: the name is evidence
// enough, however the object is made.
class Formatter {
public:
  const std::string &format(int n) {
    return cache_[n] = std::to_string(n);
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'Formatter::cache_' only grows: {{.*}} [tenure-unbounded-cache]
  }

private:
  std::map<int, std::string> cache_;
};

// A tree's children.
struct TreeNode {
  std::vector<std::unique_ptr<TreeNode>> children;
  TreeNode &add() {
    children.push_back(std::make_unique<TreeNode>());
    return *children.back();
  }
};

Module parse(const std::vector<std::string> &names) {
  Module m;
  for (const auto &n : names)
    m.declare(n, 1);
  Value v;
  v.set("a", Value()).append(Value());
  TreeNode root;
  root.add().add();
  Formatter f;
  f.format(1);
  return m;
}
