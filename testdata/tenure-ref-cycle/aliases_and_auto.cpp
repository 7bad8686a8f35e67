// The handle hidden behind aliases, typedefs and auto.
#include <memory>
#include <vector>

class Window;
using WindowPtr = std::shared_ptr<Window>;
typedef std::vector<WindowPtr> WindowList;

class Widget {
public:
  WindowPtr window;
};
using WidgetPtr = std::shared_ptr<Widget>;

class Window : public std::enable_shared_from_this<Window> {
public:
  void add(const WidgetPtr &w) {
    auto me = shared_from_this();
    auto &slot = w->window;
    slot = me;
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: strong reference cycle Widget -window-> Window -widgets-> Widget closed here: {{.*}} [tenure-ref-cycle]
    widgets.push_back(w);
  }
  std::vector<WidgetPtr> widgets;
};

// Behind a getter that returns the field by reference.
class Panel;
class Button {
public:
  std::shared_ptr<Panel> &panel() { return panel_; }
private:
  std::shared_ptr<Panel> panel_;
};
class Panel : public std::enable_shared_from_this<Panel> {
public:
  void add(std::shared_ptr<Button> b) {
    b->panel() = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: strong reference cycle Button -panel_-> Panel -buttons_-> Button closed here: {{.*}} [tenure-ref-cycle]
    buttons_.push_back(b);
  }
private:
  std::vector<std::shared_ptr<Button>> buttons_;
};
