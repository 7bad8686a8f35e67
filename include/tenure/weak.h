// tenure::Weak<T>: a handle that does not keep its target alive.
#pragma once

#include <cstdint>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "tenure/detail/refcount.h"
#include "tenure/ref.h"

namespace tenure {

namespace detail {

// Shared by the target and every Weak to it. The target creates it for the
// first Weak; it outlives the target for as long as a Weak refers to it.
struct WeakControl {
  Object* target;  // null once the target is destroyed or found garbage
  std::uint32_t weak_count;
  std::uint32_t state;  // kWeakLive while allocated, kWeakFreed after
};
inline constexpr std::uint32_t kWeakLive = 0x3EA61A7Eu;
inline constexpr std::uint32_t kWeakFreed = 0xF3EEF3EEu;

WeakControl* weak_control_of(Object& target);           // created on first use
void free_weak_control(WeakControl* control) noexcept;  // weak_count hit 0
void check_weak_control(const WeakControl& control,
                        const std::type_info& type) noexcept;

}  // namespace detail

// A non-owning handle to a T derived from tenure::Object, as std::weak_ptr is
// to std::shared_ptr: lock() yields a Ref while the target lives and a null
// Ref once it is gone (destroyed, or found to be cyclic garbage).
template <class T>
class Weak {
 public:
  constexpr Weak() noexcept = default;
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Weak(const Ref<U>& ref) {
    if (ref) {
      const Object& target = *ref.get();  // Weak<const T> from Ref<const T>
      acquire(detail::weak_control_of(const_cast<Object&>(target)));
    }
  }
  Weak(const Weak& other) noexcept { acquire(other.control_); }
  Weak(Weak&& other) noexcept
      : control_(std::exchange(other.control_, nullptr)) {}
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Weak(const Weak<U>& other) noexcept {
    acquire(other.control_);
  }
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Weak(Weak<U>&& other) noexcept
      : control_(std::exchange(other.control_, nullptr)) {}
  ~Weak() {
    static_assert(detail::kIsCollectable<T>,
                  "tenure::Weak<T> needs T derived from tenure::Object");
    if (control_ && --control_->weak_count == 0) {
      detail::free_weak_control(control_);
    }
  }

  Weak& operator=(const Weak& other) noexcept {
    Weak(other).swap(*this);
    return *this;
  }
  Weak& operator=(Weak&& other) noexcept {
    Weak(std::move(other)).swap(*this);
    return *this;
  }
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Weak& operator=(const Ref<U>& ref) {
    Weak(ref).swap(*this);
    return *this;
  }

  // A strong handle to the target, or null when it is gone.
  Ref<T> lock() const noexcept {
    Object* target = live_target();
    return Ref<T>::from_this(static_cast<T*>(target));
  }
  bool expired() const noexcept { return live_target() == nullptr; }
  // Strong handles to the target, 0 once it is gone.
  std::uint32_t use_count() const noexcept {
    Object* target = live_target();
    return target ? detail::use_count(target) : 0;
  }

  void reset() noexcept { Weak().swap(*this); }
  void swap(Weak& other) noexcept { std::swap(control_, other.control_); }

 private:
  template <class>
  friend class Weak;

  void acquire(detail::WeakControl* control) noexcept {
    control_ = control;
    if (control_) ++control_->weak_count;
  }
  Object* live_target() const noexcept {
    if (!control_) return nullptr;
#if TENURE_CHECKS
    detail::check_weak_control(*control_, typeid(T));
#endif
    return control_->target;
  }

  detail::WeakControl* control_ = nullptr;
};

template <class T>
void swap(Weak<T>& a, Weak<T>& b) noexcept {
  a.swap(b);
}

}  // namespace tenure
