// tenure::Object: the header every collectable object carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "tenure/detail/config.h"

namespace tenure {

class Tracer;

namespace detail {
struct WeakControl;
struct ObjectAccess;
}  // namespace detail

// Base class of every type that tenure::Ref holds and the cycle collector
// manages. Create instances with tenure::make<T>(); the header is 16 bytes
// beyond the vtable pointer (CPython's object header plus GC links is 32).
//
// An object belongs to the thread that made it: its count is not atomic and
// checked builds abort when it is touched from another thread. Use
// tenure::SharedObject for objects shared across threads.
class Object {
 public:
  // Reports every strong handle this object owns: `t(field)` or
  // `t("name", field)`. The collector calls it both to find references and,
  // for cyclic garbage, to clear them. A missed field only leaks; reporting a
  // handle the object does not own can free live objects.
  virtual void trace(Tracer& tracer);

  // Pooled storage goes through the runtime's allocation seam.
  static void* operator new(std::size_t size);
  static void operator delete(void* block, std::size_t size) noexcept;
  static void* operator new(std::size_t size, std::align_val_t align);
  static void operator delete(void* block, std::size_t size,
                              std::align_val_t align) noexcept;

 protected:
  Object() noexcept = default;
  // Copying a derived object copies its data, never the bookkeeping: the copy
  // is a new object with a count of its own.
  Object(const Object&) noexcept {}
  Object& operator=(const Object&) noexcept { return *this; }
  // Destruction happens when the last Ref goes away, never through `delete`.
  virtual ~Object();

 private:
  friend struct detail::ObjectAccess;

  // Field order matters: a freed block's first 16 bytes hold the allocator's
  // links, so the count sits past them and a released-after-destroy check can
  // still read the poison written at destruction.
  detail::WeakControl* weak_ = nullptr;  // created by the first Weak
  std::uint32_t refcount_ = 0;
  std::uint32_t gc_slot_ = 0xFFFFFFFFu;  // generation and index in the heap
};

}  // namespace tenure
