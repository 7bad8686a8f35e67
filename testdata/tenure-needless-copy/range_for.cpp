// Range-for loops that copy a handle (or a pair holding one) per element.
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <tenure/tenure.h>

class Node : public tenure::Object {
public:
  int weight = 0;
};
using NodeRef = tenure::Ref<Node>;

int sum(const std::vector<NodeRef> &nodes) {
  int total = 0;
  for (auto node : nodes)
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: loop variable 'node' copies a strong handle on every iteration but is only read; bind it by const reference [tenure-needless-copy]
    total += node->weight;
  // CHECK-FIXES: {{^}}  for (const auto& node : nodes)
  for (NodeRef node : nodes)
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: loop variable 'node' copies {{.*}}
    total += node->weight;
  // CHECK-FIXES: {{^}}  for (const NodeRef& node : nodes)
  for (const tenure::Ref<Node> node : nodes)
    // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: loop variable 'node' copies {{.*}}
    total += node->weight;
  // CHECK-FIXES: {{^}}  for (const tenure::Ref<Node>& node : nodes)
  return total;
}

// Pairs from maps: whole, and through structured bindings.
int lookup(const std::map<std::string, std::shared_ptr<int>> &table) {
  int total = 0;
  for (auto entry : table)
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: loop variable 'entry' copies {{.*}}
    total += *entry.second;
  // CHECK-FIXES: {{^}}  for (const auto& entry : table)
  for (auto [name, value] : table)
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: loop variable '[name, value]' copies {{.*}}
    total += static_cast<int>(name.size()) + *value;
  // CHECK-FIXES: {{^}}  for (const auto& [name, value] : table)
  return total;
}

// Not reported: references, copies that are moved or changed, pairs
// without a handle, values a range makes on the fly.
std::vector<NodeRef> keep(std::vector<NodeRef> &nodes) {
  std::vector<NodeRef> out;
  for (auto &node : nodes)
    (void)node->weight;
  for (const auto &node : nodes)
    (void)node->weight;
  // Stored again: the store makes the one copy it needs.
  for (auto node : nodes)
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: loop variable 'node' copies {{.*}}
    out.push_back(node);
  // CHECK-FIXES: {{^}}  for (const auto& node : nodes)
  for (auto node : nodes)
    out.push_back(std::move(node));
  for (auto node : nodes) {
    node = nullptr;
    out.push_back(node);
  }
  std::map<int, int> plain;
  for (auto [k, v] : plain)
    (void)(k + v);
  for (int i : {1, 2, 3})
    (void)i;
  return out;
}

// A loop whose element is captured by a lambda kept past the iteration.
#include <functional>
std::vector<std::function<int()>> later(const std::vector<NodeRef> &nodes) {
  std::vector<std::function<int()>> out;
  for (auto node : nodes) // clang-tidy-only: captured by an escaping lambda
    out.push_back([node] { return node->weight; });
  return out;
}
