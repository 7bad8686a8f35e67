// A singly linked list turned into a ring: the tail, found by walking from
// the head, is linked back to the head.
#include <memory>

struct Node {
  std::shared_ptr<Node> next;
  // No fix-it: a weak `next` would break the list itself.
  // CHECK-FIXES: std::shared_ptr<Node> next;
  int value = 0;
};

void close_ring(const std::shared_ptr<Node> &head) {
  std::shared_ptr<Node> tail = head;
  while (tail->next)
    tail = tail->next;
  tail->next = head;
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: strong reference cycle Node -next-> Node closed here: {{.*}}; break the loop before its last outside handle goes, or hold 'Node::next' weakly [tenure-ref-cycle]
}

void close_ring_with_for(std::shared_ptr<Node> first) {
  auto last = first;
  for (auto n = first; n; n = n->next)
    last = n;
  last->next = first;
}
