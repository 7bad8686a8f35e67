// A project's own intrusive pointer, recognised through configuration.
// CONFIG: {CheckOptions: {tenure-ref-cycle.StrongHandles: '::base::scoped_refptr', tenure-ref-cycle.WeakHandles: '::base::WeakPtr'}}
namespace base {
template <class T> class scoped_refptr {
public:
  scoped_refptr() = default;
  scoped_refptr(T *p) : p_(p) {}
  T *operator->() const { return p_; }
private:
  T *p_ = nullptr;
};
template <class T> class WeakPtr { T *p_ = nullptr; };
} // namespace base

class Renderer;
class Frame {
public:
  base::scoped_refptr<Renderer> renderer;
  base::WeakPtr<Renderer> weak_renderer;
};
class Renderer {
public:
  void draw() {
    frame_->renderer = base::scoped_refptr<Renderer>(this);
    // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: strong reference cycle Frame -renderer-> Renderer -frame_-> Frame closed here: {{.*}} [tenure-ref-cycle]
  }
  void set_frame(Frame *f) { frame_ = f; }
private:
  base::scoped_refptr<Frame> frame_;
};
