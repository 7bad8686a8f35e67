// The same builder with a weak owner link, and one that re-points its member
// before storing: the item goes into the group the member names *now*, which
// is the item itself only through a reassignment the store does not see.
#include <memory>
#include <vector>

struct WeakGroup {
  std::weak_ptr<WeakGroup> owner;
  std::vector<std::shared_ptr<WeakGroup>> items;
};

class WeakBuilder {
public:
  void open(std::shared_ptr<WeakGroup> item) {
    item->owner = active_;
    active_->items.push_back(item);
    active_ = item;
  }

private:
  std::shared_ptr<WeakGroup> active_ = std::make_shared<WeakGroup>();
};

struct Box {
  std::shared_ptr<Box> owner;
  std::vector<std::shared_ptr<Box>> items;
};

class Packer {
public:
  void open(std::shared_ptr<Box> item) {
    item->owner = active_;
    active_ = item;
    last_->items.push_back(item);
  }

private:
  std::shared_ptr<Box> active_ = std::make_shared<Box>();
  std::shared_ptr<Box> last_ = std::make_shared<Box>();
};
