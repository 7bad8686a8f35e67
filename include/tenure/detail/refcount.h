// Count operations shared by Ref, Weak, make and the runtime.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>
#include <typeinfo>

#include "tenure/detail/config.h"
#include "tenure/detail/fail.h"
#include "tenure/object.h"
#include "tenure/shared_object.h"

namespace tenure::detail {

template <class T>
inline constexpr bool kIsCollectable =
    std::is_base_of_v<Object, std::remove_cv_t<T>>;
template <class T>
inline constexpr bool kIsShared =
    std::is_base_of_v<SharedObject, std::remove_cv_t<T>>;
// A type that reports its handles: a trace(Tracer&) member, virtual (every
// tenure::Object) or not (a SharedObject may declare one).
template <class T>
concept HasTrace = requires(T& value, Tracer& tracer) { value.trace(tracer); };

// gc_slot_ values that are not a place in the heap.
inline constexpr std::uint32_t kSlotUntracked = 0xFFFFFFFFu;  // not yet made
inline constexpr std::uint32_t kSlotDying = 0xFFFFFFFEu;      // count hit 0
// Written into the count when an object is destroyed.
inline constexpr std::uint32_t kDestroyedCount = 0xDEADDEADu;

// Out of line, in the runtime.
void release_last(Object* object) noexcept;  // count reached zero
#if TENURE_VERIFY
// End of make<T>(); throws std::bad_alloc. Records where it was made and
// the bytes operator new was asked for.
void track(Object* object, const char* file, std::uint32_t line,
           std::size_t size);
// A Ref was copied at file:line.
void note_copy(const char* file, std::uint32_t line) noexcept;
#else
void track(Object* object);  // end of make<T>(); throws std::bad_alloc
#endif
#if TENURE_VERIFY
// Verification mode's registry of live SharedObjects (runtime/shared.cpp):
// make<T> adds each one with its type, its site and, when T has a trace
// member, how to call it; the last release takes it out before the
// destructor runs, so a scan never traces a half-destroyed object.
using SharedTrace = void (*)(void* self, Tracer& tracer);
void track_shared(SharedObject* object, void* self, SharedTrace trace,
                  const std::type_info& type, const char* file,
                  std::uint32_t line);  // throws std::bad_alloc
void forget_shared(const SharedObject* object) noexcept;
#endif
void check_retain(const Object& object, const std::type_info& type) noexcept;
void check_release(const Object& object, const std::type_info& type) noexcept;
void check_adopt(const Object& object, const std::type_info& type) noexcept;

struct ObjectAccess {
  static std::uint32_t& count(const Object& o) noexcept {
    return const_cast<Object&>(o).refcount_;
  }
  static std::uint32_t& slot(Object& o) noexcept { return o.gc_slot_; }
  static WeakControl*& weak(Object& o) noexcept { return o.weak_; }
  static void destroy(Object* o) noexcept { delete o; }

  static std::atomic<std::uint32_t>& count(const SharedObject& o) noexcept {
    return const_cast<SharedObject&>(o).refcount_;
  }
  static void destroy(SharedObject* o) noexcept { delete o; }
#if TENURE_VERIFY
  static std::uint32_t& registry_slot(const SharedObject& o) noexcept {
    return const_cast<SharedObject&>(o).registry_slot_;
  }
#endif
};

template <class T>
inline void retain(T* p) noexcept {
  if constexpr (kIsShared<T>) {
    ObjectAccess::count(*p).fetch_add(1, std::memory_order_relaxed);
  } else {
    const Object& o = *p;
#if TENURE_CHECKS
    check_retain(o, typeid(T));
#endif
    ++ObjectAccess::count(o);
  }
}

template <class T>
inline void release(T* p) noexcept {
  if constexpr (kIsShared<T>) {
    const SharedObject& o = *p;
    std::uint32_t before =
        ObjectAccess::count(o).fetch_sub(1, std::memory_order_acq_rel);
    if (before == 1) {
#if TENURE_VERIFY
      forget_shared(&o);
#endif
      ObjectAccess::destroy(const_cast<SharedObject*>(&o));
    } else if (before == 0) {
      fail(typeid(T), "refcount underflow: released more often than held");
    }
  } else {
    const Object& o = *p;
#if TENURE_CHECKS
    check_release(o, typeid(T));
#endif
    if (--ObjectAccess::count(o) == 0) release_last(const_cast<Object*>(&o));
  }
}

template <class T>
inline std::uint32_t use_count(const T* p) noexcept {
  if constexpr (kIsShared<T>) {
    return ObjectAccess::count(*p).load(std::memory_order_relaxed);
  } else {
    return ObjectAccess::count(*p);
  }
}

}  // namespace tenure::detail
