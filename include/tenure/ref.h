// tenure::Ref<T>: the intrusive strong handle.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <source_location>
#include <type_traits>
#include <utility>

#include "tenure/detail/refcount.h"

namespace tenure {

// A strong, owning, nullable handle to a T derived from tenure::Object or
// tenure::SharedObject. Copying increments the count, destruction decrements
// it, moving costs nothing. Semantics follow std::shared_ptr where they can:
// Ref<Derived> converts to Ref<Base>, comparison and hashing are by address.
template <class T>
class Ref {
 public:
  using element_type = T;

  constexpr Ref() noexcept = default;
  constexpr Ref(std::nullptr_t) noexcept {}
#if TENURE_VERIFY
  // Verification mode counts copies by the site that made them.
  Ref(const Ref& other,
      std::source_location site = std::source_location::current()) noexcept
      : ptr_(other.ptr_) {
    if (ptr_) detail::retain(ptr_);
    detail::note_copy(site.file_name(), site.line());
  }
#else
  Ref(const Ref& other) noexcept : ptr_(other.ptr_) {
    if (ptr_) detail::retain(ptr_);
  }
#endif
  Ref(Ref&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
#if TENURE_VERIFY
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Ref(const Ref<U>& other,
      std::source_location site = std::source_location::current()) noexcept
      : ptr_(other.get()) {
    if (ptr_) detail::retain(ptr_);
    detail::note_copy(site.file_name(), site.line());
  }
#else
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Ref(const Ref<U>& other) noexcept : ptr_(other.get()) {
    if (ptr_) detail::retain(ptr_);
  }
#endif
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Ref(Ref<U>&& other) noexcept : ptr_(other.detach()) {}
  ~Ref() {
    // Checked here, not at class scope, because a type may hold Ref<Self>
    // while it is still incomplete.
    static_assert(detail::kIsCollectable<T> != detail::kIsShared<T>,
                  "tenure::Ref<T> needs T derived from exactly one of "
                  "tenure::Object and tenure::SharedObject");
    if (ptr_) detail::release(ptr_);
  }

  Ref& operator=(const Ref& other) noexcept {
#if TENURE_VERIFY
    // An assignment cannot learn its caller's site: counted as unknown.
    Ref(other, std::source_location()).swap(*this);
#else
    Ref(other).swap(*this);
#endif
    return *this;
  }
  Ref& operator=(Ref&& other) noexcept {
    Ref(std::move(other)).swap(*this);
    return *this;
  }
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Ref& operator=(Ref<U> other) noexcept {
    Ref(std::move(other)).swap(*this);
    return *this;
  }
  Ref& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }

  // A new handle to an object that is already held elsewhere, such as `this`
  // inside a member function. Checked builds abort when the object was not
  // made by tenure::make or is still under construction.
  static Ref from_this(T* self) noexcept {
    Ref ref;
    ref.ptr_ = self;
    if (self) detail::retain(self);
    return ref;
  }
  // Takes over one count that detach() gave up, without incrementing.
  static Ref adopt(T* counted) noexcept {
#if TENURE_CHECKS
    if constexpr (detail::kIsCollectable<T>) {
      if (counted) detail::check_adopt(*counted, typeid(T));
    }
#endif
    Ref ref;
    ref.ptr_ = counted;
    return ref;
  }
  // Gives up ownership without decrementing; pair with adopt().
  [[nodiscard]] T* detach() noexcept { return std::exchange(ptr_, nullptr); }

  void reset() noexcept { Ref().swap(*this); }
  void swap(Ref& other) noexcept { std::swap(ptr_, other.ptr_); }

  T* get() const noexcept { return ptr_; }
  T& operator*() const noexcept { return *ptr_; }
  T* operator->() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }
  // Strong handles to the object, 0 for a null handle.
  std::uint32_t use_count() const noexcept {
    return ptr_ ? detail::use_count(ptr_) : 0;
  }

 private:
  T* ptr_ = nullptr;
};

template <class T, class U>
bool operator==(const Ref<T>& a, const Ref<U>& b) noexcept {
  return a.get() == b.get();
}
template <class T, class U>
std::strong_ordering operator<=>(const Ref<T>& a, const Ref<U>& b) noexcept {
  return std::compare_three_way()(a.get(), b.get());
}
template <class T>
bool operator==(const Ref<T>& a, std::nullptr_t) noexcept {
  return !a;
}
template <class T>
std::strong_ordering operator<=>(const Ref<T>& a, std::nullptr_t) noexcept {
  return std::compare_three_way()(a.get(), static_cast<T*>(nullptr));
}

template <class T>
void swap(Ref<T>& a, Ref<T>& b) noexcept {
  a.swap(b);
}

// The casts std::shared_ptr users know, under tenure's names.
template <class T, class U>
Ref<T> static_ref_cast(Ref<U> ref) noexcept {
  return Ref<T>::adopt(static_cast<T*>(ref.detach()));
}
template <class T, class U>
Ref<T> dynamic_ref_cast(const Ref<U>& ref) noexcept {
  return Ref<T>::from_this(dynamic_cast<T*>(ref.get()));
}

// Abseil hash containers pick this up.
template <class H, class T>
H AbslHashValue(H state, const Ref<T>& ref) {
  return H::combine(std::move(state), ref.get());
}

}  // namespace tenure

template <class T>
struct std::hash<tenure::Ref<T>> {
  std::size_t operator()(const tenure::Ref<T>& ref) const noexcept {
    return std::hash<T*>()(ref.get());
  }
};
