// Both links strong: linking two nodes to each other closes the cycle; the
// second store of the pair is where.
#include <memory>

struct Node {
  std::shared_ptr<Node> next;
  std::shared_ptr<Node> prev;
  // CHECK-FIXES: std::weak_ptr<Node> prev;
  int value = 0;
};

void link(std::shared_ptr<Node> a, std::shared_ptr<Node> b) {
  a->next = b;
  b->prev = a;
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: strong reference cycle Node -prev-> Node -next-> Node closed here: {{.*}}; make 'Node::prev' a weak handle [tenure-ref-cycle]
  // CHECK-MESSAGES: :7:25: note: 'Node::prev' holds a strong handle to 'Node'
  // CHECK-MESSAGES: :6:25: note: 'Node::next' holds a strong handle to 'Node'
}

// The same cycle closed again: one finding per cycle, at its first closing.
void insert_after(std::shared_ptr<Node> at, std::shared_ptr<Node> fresh) {
  fresh->next = at->next;
  at->next->prev = fresh;
  at->next = fresh;
  fresh->prev = at;
}
