// A const by-value parameter stored at its last use: std::move would still
// copy, so the advice is a const reference.
#include <memory>
#include <vector>

struct Font {
  int size = 0;
};

class Label {
public:
  void set_font(const std::shared_ptr<Font> font) { font_ = font; }
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: parameter 'font' copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
  // CHECK-FIXES: {{^}}  void set_font(const std::shared_ptr<Font>& font) { font_ = font; }

private:
  std::shared_ptr<Font> font_;
};
