// Setters that close nothing: one side keeps a weak handle, a setter that
// only reads its argument, and two setters wiring different objects.
#include <memory>

class Catalog;
class Shelf {
public:
  void attach(std::shared_ptr<Catalog> c) { catalog_ = c; }
private:
  std::weak_ptr<Catalog> catalog_;
};
class Catalog {
public:
  void attach(std::shared_ptr<Shelf> s) { shelf_ = std::move(s); }
  void look(std::shared_ptr<Shelf> s) { seen_ = s != nullptr; }
private:
  std::shared_ptr<Shelf> shelf_;
  bool seen_ = false;
};

class Library {
public:
  void init() {
    shelf_->attach(catalog_);
    catalog_->attach(shelf_);
    other_->look(shelf_);
    shelf_->attach(other_);
  }
private:
  std::shared_ptr<Shelf> shelf_ = std::make_shared<Shelf>();
  std::shared_ptr<Catalog> catalog_ = std::make_shared<Catalog>();
  std::shared_ptr<Catalog> other_ = std::make_shared<Catalog>();
};
