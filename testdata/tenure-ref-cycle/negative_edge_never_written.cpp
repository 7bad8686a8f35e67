// The types could form a cycle, but the back pointer is never set (or only
// ever reset): no code closes it.
#include <memory>
#include <vector>

struct Owner;
struct Part {
  std::shared_ptr<Owner> owner;
  void detach() { owner.reset(); owner = nullptr; }
};
struct Owner {
  std::vector<std::shared_ptr<Part>> parts;
  void add(std::shared_ptr<Part> p) { parts.push_back(std::move(p)); }
};
