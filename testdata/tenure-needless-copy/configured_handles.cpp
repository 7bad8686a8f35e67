// A project's own intrusive pointer, recognised through configuration.
// CONFIG: {CheckOptions: {tenure-needless-copy.StrongHandles: '::base::scoped_refptr'}}
#include <memory>
namespace base {
template <class T> class scoped_refptr {
public:
  scoped_refptr() = default;
  scoped_refptr(const scoped_refptr &o) : p_(o.p_) {}
  ~scoped_refptr() {}
  T *operator->() const { return p_; }
private:
  T *p_ = nullptr;
};
} // namespace base

struct Texture {
  int id = 0;
};
int bind(base::scoped_refptr<Texture> t) { return t->id; }
// CHECK-MESSAGES: :[[@LINE-1]]:39: warning: parameter 't' copies {{.*}}
// CHECK-FIXES: {{^}}int bind(const base::scoped_refptr<Texture>& t) { return t->id; }

// std::shared_ptr is no longer a strong handle under this configuration.
int size_of(std::shared_ptr<Texture> t) { return t->id; } // clang-tidy-only: not a configured handle
