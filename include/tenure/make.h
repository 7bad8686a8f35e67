// tenure::make<T>(args...): the one way to create a handled object.
#pragma once

#include <source_location>
#include <type_traits>
#include <utility>

#include "tenure/detail/refcount.h"
#include "tenure/ref.h"

namespace tenure {

namespace detail {

#if TENURE_VERIFY
// How the SharedObject registry calls T's trace, or nullptr when T has none.
template <class T>
constexpr SharedTrace shared_trace() noexcept {
  if constexpr (HasTrace<T>) {
    return [](void* self, Tracer& tracer) {
      static_cast<T*>(self)->trace(tracer);
    };
  } else {
    return nullptr;
  }
}

template <class T, class... Args>
Ref<T> make_at(const std::source_location& site, Args&&... args) {
#else
template <class T, class... Args>
Ref<T> make_at(Args&&... args) {
#endif
  static_assert(detail::kIsCollectable<T> != detail::kIsShared<T>,
                "tenure::make<T> needs T derived from exactly one of "
                "tenure::Object and tenure::SharedObject");
  // make<const T>() works as std::make_shared<const T>() does.
  auto* object = new std::remove_cv_t<T>(std::forward<Args>(args)...);
  if constexpr (detail::kIsCollectable<T>) {
    detail::ObjectAccess::count(*object) = 1;
    try {
#if TENURE_VERIFY
      detail::track(object, site.file_name(), site.line(),
                    sizeof(std::remove_cv_t<T>));
#else
      detail::track(object);
#endif
    } catch (...) {
      detail::ObjectAccess::destroy(object);
      throw;
    }
  } else {
    detail::ObjectAccess::count(*object).store(1, std::memory_order_relaxed);
#if TENURE_VERIFY
    try {
      detail::track_shared(object, static_cast<void*>(object),
                           detail::shared_trace<std::remove_cv_t<T>>(),
                           typeid(std::remove_cv_t<T>), site.file_name(),
                           site.line());
    } catch (...) {
      detail::ObjectAccess::destroy(object);
      throw;
    }
#endif
  }
  return Ref<T>::adopt(object);
}

}  // namespace detail

// Allocates a T through the runtime (the class operator new of Object and
// SharedObject is the seam the pooled allocator plugs into), constructs it
// and returns the first handle to it. A collectable object joins the
// collector's youngest generation only once its constructor has finished, so
// a collection never traces a half-built object.
#if TENURE_VERIFY
// Verification mode records the caller's file:line. A defaulted
// std::source_location cannot follow a parameter pack, so there is one
// overload per arity up to six arguments; beyond that the site is unknown.
template <class T>
Ref<T> make(std::source_location site = std::source_location::current()) {
  return detail::make_at<T>(site);
}
template <class T, class A1>
Ref<T> make(A1&& a1,
            std::source_location site = std::source_location::current()) {
  return detail::make_at<T>(site, std::forward<A1>(a1));
}
template <class T, class A1, class A2>
Ref<T> make(A1&& a1, A2&& a2,
            std::source_location site = std::source_location::current()) {
  return detail::make_at<T>(site, std::forward<A1>(a1), std::forward<A2>(a2));
}
template <class T, class A1, class A2, class A3>
Ref<T> make(A1&& a1, A2&& a2, A3&& a3,
            std::source_location site = std::source_location::current()) {
  return detail::make_at<T>(site, std::forward<A1>(a1), std::forward<A2>(a2),
                            std::forward<A3>(a3));
}
template <class T, class A1, class A2, class A3, class A4>
Ref<T> make(A1&& a1, A2&& a2, A3&& a3, A4&& a4,
            std::source_location site = std::source_location::current()) {
  return detail::make_at<T>(site, std::forward<A1>(a1), std::forward<A2>(a2),
                            std::forward<A3>(a3), std::forward<A4>(a4));
}
template <class T, class A1, class A2, class A3, class A4, class A5>
Ref<T> make(A1&& a1, A2&& a2, A3&& a3, A4&& a4, A5&& a5,
            std::source_location site = std::source_location::current()) {
  return detail::make_at<T>(site, std::forward<A1>(a1), std::forward<A2>(a2),
                            std::forward<A3>(a3), std::forward<A4>(a4),
                            std::forward<A5>(a5));
}
template <class T, class A1, class A2, class A3, class A4, class A5, class A6>
Ref<T> make(A1&& a1, A2&& a2, A3&& a3, A4&& a4, A5&& a5, A6&& a6,
            std::source_location site = std::source_location::current()) {
  return detail::make_at<T>(site, std::forward<A1>(a1), std::forward<A2>(a2),
                            std::forward<A3>(a3), std::forward<A4>(a4),
                            std::forward<A5>(a5), std::forward<A6>(a6));
}
template <class T, class... Args>
  requires(sizeof...(Args) > 6)
Ref<T> make(Args&&... args) {
  return detail::make_at<T>(std::source_location(),
                            std::forward<Args>(args)...);
}
#else
template <class T, class... Args>
Ref<T> make(Args&&... args) {
  return detail::make_at<T>(std::forward<Args>(args)...);
}
#endif

}  // namespace tenure
