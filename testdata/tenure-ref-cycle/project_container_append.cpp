// A project's own sequence whose code this file does not see (AK::Vector,
// QList, llvm::SmallVector): append() and prepend() keep what they are
// given, as push_back() does. A sequence of weak handles keeps nothing.
#include <memory>
#include <vector>

namespace ui {
template <class T> class Vector {
public:
  void append(T value);
  void prepend(T value);
  void push_back(T value);

private:
  std::vector<T> items_;
};
} // namespace ui

struct Widget;
struct Window {
  ui::Vector<std::shared_ptr<Widget>> children;
};
struct Widget : std::enable_shared_from_this<Widget> {
  std::shared_ptr<Window> window;
  void show() { window->children.append(shared_from_this()); }
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: strong reference cycle Widget -window-> Window -children-> Widget closed here: {{.*}}; make 'Widget::window' a weak handle [tenure-ref-cycle]
};

struct Shelf;
struct Room {
  ui::Vector<std::shared_ptr<Shelf>> shelves;
};
struct Shelf : std::enable_shared_from_this<Shelf> {
  std::shared_ptr<Room> room;
  void put_first() { room->shelves.prepend(shared_from_this()); }
  // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: strong reference cycle Shelf -room-> Room -shelves-> Shelf closed here: {{.*}}; make 'Shelf::room' a weak handle [tenure-ref-cycle]
};

struct Tab;
struct Bar {
  ui::Vector<std::shared_ptr<Tab>> tabs;
};
struct Tab : std::enable_shared_from_this<Tab> {
  std::shared_ptr<Bar> bar;
  void show() { bar->tabs.push_back(shared_from_this()); }
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: strong reference cycle Tab -bar-> Bar -tabs-> Tab closed here: {{.*}}; make 'Tab::bar' a weak handle [tenure-ref-cycle]
};

struct Panel;
struct Dock {
  ui::Vector<std::weak_ptr<Panel>> panels;
};
struct Panel : std::enable_shared_from_this<Panel> {
  std::shared_ptr<Dock> dock;
  void show() { dock->panels.append(weak_from_this()); }
};
