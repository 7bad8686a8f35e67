// Process-lifetime containers: a registry at namespace scope, a memo table
// that is a function-local static, a static member.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>
#include <tenure/tenure.h>

struct Plugin : tenure::Object {
  std::string name;
};

namespace {
std::map<std::string, tenure::Ref<Plugin>> registry;
}

void install(const std::string &name) {
  registry.emplace(name, tenure::make<Plugin>());
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: '(anonymous namespace)::registry' only grows: {{.*}} [tenure-unbounded-cache]
}

long fibonacci(int n) {
  static std::map<int, long> memo;
  if (n < 2)
    return n;
  auto it = memo.find(n);
  if (it != memo.end())
    return it->second;
  long value = fibonacci(n - 1) + fibonacci(n - 2);
  memo.insert({n, value});
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'fibonacci::memo' only grows: {{.*}}, or hold weak values [tenure-unbounded-cache]
  return value;
}

class Connection {
public:
  void open() { pool_.insert(this); }
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'Connection::pool_' only grows: {{.*}} [tenure-unbounded-cache]
private:
  static std::set<Connection *> pool_;
};
std::set<Connection *> Connection::pool_;

// Not a cache by name and holding no handles: a plain static set.
// A static lives as long as the program: whatever it holds, a set that is
// only inserted into grows with every tracker ever opened.
class Tracker {
public:
  void open() { live_.insert(this); }
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'Tracker::live_' only grows: {{.*}} [tenure-unbounded-cache]
private:
  static std::set<Tracker *> live_;
};
std::set<Tracker *> Tracker::live_;

// Holding handles is enough for a static, whatever its name.
std::vector<std::shared_ptr<Plugin>> &loaded() {
  static std::vector<std::shared_ptr<Plugin>> all;
  return all;
}
void load(std::shared_ptr<Plugin> p) {
  static std::vector<std::shared_ptr<Plugin>> history;
  history.push_back(std::move(p));
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'load::history' only grows: {{.*}} [tenure-unbounded-cache]
}
