// A builder keeps the group it is filling in a member and nests each new
// group inside it: the new group points to its owner, the owner holds the
// group, and the builder moves on. The loop's ends are the builder's member
// and a parameter, neither of them 'this'.
#include <memory>
#include <vector>

struct Group {
  std::shared_ptr<Group> owner;
  // CHECK-FIXES: std::weak_ptr<Group> owner;
  std::vector<std::shared_ptr<Group>> items;
};

class Builder {
public:
  void open(std::shared_ptr<Group> item) {
    item->owner = active_;
    active_->items.push_back(item);
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: strong reference cycle Group -owner-> Group -items-> Group closed here: its objects are never freed by reference counting; make 'Group::owner' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :9:26: note: 'Group::owner' holds a strong handle to 'Group'
    // CHECK-MESSAGES: :11:39: note: 'Group::items' holds strong handles to 'Group' in a 'std::vector<std::shared_ptr<Group>>'
    active_ = item;
  }

private:
  std::shared_ptr<Group> active_ = std::make_shared<Group>();
};
