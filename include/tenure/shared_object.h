// tenure::SharedObject: an atomically counted object for sharing across
// threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "tenure/detail/config.h"

namespace tenure {

namespace detail {
struct ObjectAccess;
}  // namespace detail

// Base class for objects that several threads hold through tenure::Ref. The
// count is atomic and the object is never collected: a cycle through
// SharedObjects leaks, as with std::shared_ptr. Any thread may drop the last
// handle.
//
// A SharedObject type may declare a trace(tenure::Tracer&) member (not
// virtual here; the same form as tenure::Object's) that reports its strong
// handles. Nothing calls it outside verification mode; in it (TENURE_VERIFY)
// the GoogleTest listener uses it to find cycles of SharedObjects that a test
// leaked (verify::find_shared_cycles). The header is 16 bytes (the vtable
// pointer and the count) in both modes.
class SharedObject {
 public:
  static void* operator new(std::size_t size);
  static void operator delete(void* block, std::size_t size) noexcept;
  static void* operator new(std::size_t size, std::align_val_t align);
  static void operator delete(void* block, std::size_t size,
                              std::align_val_t align) noexcept;

 protected:
  SharedObject() noexcept = default;
  SharedObject(const SharedObject&) noexcept {}
  SharedObject& operator=(const SharedObject&) noexcept { return *this; }
  virtual ~SharedObject() = default;

 private:
  friend struct detail::ObjectAccess;
  std::atomic<std::uint32_t> refcount_{0};
#if TENURE_VERIFY
  // Verification mode's place in the registry of live SharedObjects
  // (runtime/shared.cpp); it fills the padding after the count, so the
  // header is the same size in both modes.
  std::uint32_t registry_slot_ = 0xFFFFFFFFu;
#endif
};

}  // namespace tenure
