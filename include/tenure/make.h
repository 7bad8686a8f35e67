// tenure::make<T>(args...): the one way to create a handled object.
#pragma once

#include <type_traits>
#include <utility>

#include "tenure/detail/refcount.h"
#include "tenure/ref.h"

namespace tenure {

// Allocates a T through the runtime (the class operator new of Object and
// SharedObject is the seam the pooled allocator plugs into), constructs it
// and returns the first handle to it. A collectable object joins the
// collector's youngest generation only once its constructor has finished, so
// a collection never traces a half-built object.
template <class T, class... Args>
Ref<T> make(Args&&... args) {
  static_assert(detail::kIsCollectable<T> != detail::kIsShared<T>,
                "tenure::make<T> needs T derived from exactly one of "
                "tenure::Object and tenure::SharedObject");
  // make<const T>() works as std::make_shared<const T>() does.
  auto* object = new std::remove_cv_t<T>(std::forward<Args>(args)...);
  if constexpr (detail::kIsCollectable<T>) {
    detail::ObjectAccess::count(*object) = 1;
    try {
      detail::track(object);
    } catch (...) {
      detail::ObjectAccess::destroy(object);
      throw;
    }
  } else {
    detail::ObjectAccess::count(*object).store(1, std::memory_order_relaxed);
  }
  return Ref<T>::adopt(object);
}

}  // namespace tenure
