// A node storing a handle to itself into another node of its own kind is the
// structure being built, not a cycle: a child adding itself to its parent's
// children (the parent link is weak), a node inserting itself after another.
#include <memory>
#include <vector>

struct TreeNode : std::enable_shared_from_this<TreeNode> {
  std::vector<std::shared_ptr<TreeNode>> children;
  std::weak_ptr<TreeNode> parent;
  void attach_to(const std::shared_ptr<TreeNode> &p) {
    p->children.push_back(shared_from_this());
    parent = p;
  }
};

struct ListNode : std::enable_shared_from_this<ListNode> {
  std::shared_ptr<ListNode> next;
  void insert_after(const std::shared_ptr<ListNode> &pos) {
    next = pos->next;
    pos->next = shared_from_this();
  }
};
