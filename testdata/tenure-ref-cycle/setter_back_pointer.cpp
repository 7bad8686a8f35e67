// The back pointer is set through a setter defined in the child.
#include <memory>
#include <vector>

class Menu;
class MenuItem {
public:
  void set_menu(std::shared_ptr<Menu> m) { menu_ = std::move(m); }
private:
  std::shared_ptr<Menu> menu_;
};
class Menu : public std::enable_shared_from_this<Menu> {
public:
  void add(std::shared_ptr<MenuItem> item) {
    item->set_menu(shared_from_this());
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: strong reference cycle MenuItem -menu_-> Menu -items_-> MenuItem closed here: {{.*}} [tenure-ref-cycle]
    items_.push_back(std::move(item));
  }
private:
  std::vector<std::shared_ptr<MenuItem>> items_;
};
