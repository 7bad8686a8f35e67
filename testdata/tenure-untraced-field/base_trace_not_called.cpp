// A subclass's trace that does not call its base's: the base's fields go
// unvisited.
#include <tenure/tenure.h>

class Widget : public tenure::Object {
public:
  void trace(tenure::Tracer &t) override { t(parent_); }
private:
  tenure::Ref<Widget> parent_;
};

class Button : public Widget {
public:
  void trace(tenure::Tracer &t) override { t(icon_); }
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'Button::trace' does not call 'Widget::trace', so 'Widget::parent_' is not visited; {{.*}} [tenure-untraced-field]
  // CHECK-FIXES: void trace(tenure::Tracer &t) override { Widget::trace(t); t(icon_); }
private:
  tenure::Ref<Widget> icon_;
};

// Two bases: calling one base's trace does not visit the other's fields.
struct Mixin {
  tenure::Ref<Widget> extra;
};
class Labelled : public Widget, public Mixin {
public:
  void trace(tenure::Tracer &t) override { Widget::trace(t); }
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'Labelled::trace' does not visit 'extra'; {{.*}} [tenure-untraced-field]
  // CHECK-FIXES: void trace(tenure::Tracer &t) override { Widget::trace(t); t(extra); }
};
