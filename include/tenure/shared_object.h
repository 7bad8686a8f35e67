// tenure::SharedObject: an atomically counted object for sharing across
// threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

namespace tenure {

namespace detail {
struct ObjectAccess;
}  // namespace detail

// Base class for objects that several threads hold through tenure::Ref. The
// count is atomic and the object is never traced or collected: a cycle
// through SharedObjects leaks, as with std::shared_ptr. Any thread may drop
// the last handle.
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
};

}  // namespace tenure
