#include "allocation.h"

#include "heap.h"
#include "tenure/object.h"
#include "tenure/pool.h"
#include "tenure/shared_object.h"

namespace tenure {
namespace detail {

namespace {
// Blocks the pool serves: up to its largest class, at its alignment.
bool pooled(std::size_t size, std::align_val_t align) {
  return size <= pool::kMaxSize &&
         static_cast<std::size_t>(align) <= pool::kGranule;
}
}  // namespace

void* allocate_block(std::size_t size, std::align_val_t align) {
  if (pooled(size, align)) return pool::allocate(size);
  if (static_cast<std::size_t>(align) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
    return ::operator new(size);
  }
  return ::operator new(size, align);
}

std::size_t block_bytes(std::size_t size) noexcept {
  if (size > pool::kMaxSize) return size;
  return (pool::size_class(size) + 1) * pool::kGranule;
}

void free_block(void* block, std::size_t size,
                std::align_val_t align) noexcept {
  if (pooled(size, align)) {
    pool::deallocate(block, size);
  } else if (static_cast<std::size_t>(align) <=
             __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
    ::operator delete(block, size);
  } else {
    ::operator delete(block, size, align);
  }
}

void retire_block(void* block, std::size_t size,
                  std::align_val_t align) noexcept {
#if TENURE_CHECKS
  if (Heap* heap = current_heap_if_any(); heap && !heap->retired) {
    heap->quarantine.hold({block, size, align});
    return;
  }
#endif
  free_block(block, size, align);
}

}  // namespace detail

namespace {
constexpr std::align_val_t kDefaultAlign{__STDCPP_DEFAULT_NEW_ALIGNMENT__};
}  // namespace

void* Object::operator new(std::size_t size) {
  return detail::allocate_block(size, kDefaultAlign);
}
void Object::operator delete(void* block, std::size_t size) noexcept {
  detail::retire_block(block, size, kDefaultAlign);
}
void* Object::operator new(std::size_t size, std::align_val_t align) {
  return detail::allocate_block(size, align);
}
void Object::operator delete(void* block, std::size_t size,
                             std::align_val_t align) noexcept {
  detail::retire_block(block, size, align);
}

void* SharedObject::operator new(std::size_t size) {
  return detail::allocate_block(size, kDefaultAlign);
}
void SharedObject::operator delete(void* block, std::size_t size) noexcept {
  detail::free_block(block, size, kDefaultAlign);
}
void* SharedObject::operator new(std::size_t size, std::align_val_t align) {
  return detail::allocate_block(size, align);
}
void SharedObject::operator delete(void* block, std::size_t size,
                                   std::align_val_t align) noexcept {
  detail::free_block(block, size, align);
}

}  // namespace tenure
