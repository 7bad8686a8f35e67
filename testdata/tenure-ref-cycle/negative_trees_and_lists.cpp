// Self-recursive structures that code never closes: a tree of children, a
// singly linked list built at the front, appended at the back, reversed.
#include <memory>
#include <tenure/tenure.h>
#include <vector>

struct TreeNode : tenure::Object {
  std::vector<tenure::Ref<TreeNode>> children;
  void add(tenure::Ref<TreeNode> child) { children.push_back(std::move(child)); }
  void trace(tenure::Tracer &t) override { t(children); }
};

struct ListNode {
  std::shared_ptr<ListNode> next;
  int value = 0;
};

std::shared_ptr<ListNode> push_front(std::shared_ptr<ListNode> head, int v) {
  auto n = std::make_shared<ListNode>();
  n->value = v;
  n->next = head;
  return n;
}

void push_back(const std::shared_ptr<ListNode> &head, std::shared_ptr<ListNode> n) {
  auto last = head;
  while (last->next)
    last = last->next;
  last->next = n;
}

std::shared_ptr<ListNode> reverse(std::shared_ptr<ListNode> head) {
  std::shared_ptr<ListNode> prev;
  auto cur = head;
  while (cur) {
    auto next = cur->next;
    cur->next = prev;
    prev = cur;
    cur = next;
  }
  return prev;
}

void remove_next(const std::shared_ptr<ListNode> &n) { n->next = n->next->next; }
