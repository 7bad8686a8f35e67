// An intrusive handle with const and non-const operator-> and operator*
// (the RefPtr style): calling through the non-const overload reaches the
// object and leaves the handle as it was, so the copy is still needless.
// CONFIG: {CheckOptions: {tenure-needless-copy.StrongHandles: '::web::RefPtr'}}
#include <utility>
#include <vector>

namespace web {
template <class T> class RefPtr {
public:
  RefPtr() = default;
  explicit RefPtr(T *p) : p_(p) { if (p_) ++p_->refs; }
  RefPtr(const RefPtr &o) : p_(o.p_) { if (p_) ++p_->refs; }
  RefPtr(RefPtr &&o) : p_(o.p_) { o.p_ = nullptr; }
  RefPtr &operator=(const RefPtr &o) { RefPtr(o).swap(*this); return *this; }
  ~RefPtr() { if (p_ && --p_->refs == 0) delete p_; }
  T *operator->() { return p_; }
  const T *operator->() const { return p_; }
  T &operator*() { return *p_; }
  const T &operator*() const { return *p_; }
  T *ptr() { return p_; }
  const T *ptr() const { return p_; }
  void clear() { RefPtr().swap(*this); }
  void swap(RefPtr &o) { std::swap(p_, o.p_); }
private:
  T *p_ = nullptr;
};
} // namespace web

struct Element {
  int refs = 0;
  int width = 0;
  void grow() { ++width; }
};
using ElementRef = web::RefPtr<Element>;

int width_of(ElementRef e) {
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: parameter 'e' copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
  return e->width + (*e).width + e.ptr()->width;
}
// CHECK-FIXES: {{^}}int width_of(const ElementRef& e) {

int total_width(std::vector<ElementRef> &elements) {
  int total = 0;
  for (auto e : elements)
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: loop variable 'e' copies {{.*}}
    total += e->width;
  return total;
}
// CHECK-FIXES: {{^}}  for (const auto& e : elements)

// Not reported: the object is changed through the non-const overloads (a
// const reference would reach only the const ones and not compile), or the
// handle itself is changed.
void widen(ElementRef e) {
  e->grow();
  (*e).grow();
  e.ptr()->grow();
}
void cleared(ElementRef e) {
  e.clear();
}
void reassigned(ElementRef e, const ElementRef &other) {
  e = other;
  e->grow();
}
