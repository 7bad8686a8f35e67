// Types that can hold each other but form trees: a JSON-like value and its
// members, an AST. No statement closes a loop; nothing to report.
#include <memory>
#include <string>
#include <vector>

struct Value;
struct Member {
  std::string key;
  std::shared_ptr<Value> value;
};
struct Value {
  std::vector<std::shared_ptr<Member>> members;
};

std::shared_ptr<Value> object_with(const std::string &key, std::shared_ptr<Value> v) {
  auto m = std::make_shared<Member>();
  m->key = key;
  m->value = std::move(v);
  auto obj = std::make_shared<Value>();
  obj->members.push_back(m);
  return obj;
}
