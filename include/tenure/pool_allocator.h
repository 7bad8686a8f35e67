// tenure::PoolAllocator<T>: standard containers on the pooled allocator.
#pragma once

#include <cstddef>
#include <new>

#include "tenure/pool.h"

namespace tenure {

// An allocator for standard containers: requests of up to pool::kMaxSize
// bytes come from the pool, larger ones (a vector's growing buffer) from
// ::operator new. Node-based containers (std::list, std::map, std::set,
// std::unordered_map's nodes) gain most. Stateless: all instances are equal,
// and memory may be freed on another thread than the one that allocated it.
template <class T>
class PoolAllocator {
 public:
  using value_type = T;

  PoolAllocator() noexcept = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                  "tenure::PoolAllocator serves types of at most the "
                  "default new alignment");
    if (n > static_cast<std::size_t>(-1) / sizeof(T))
      throw std::bad_array_new_length();
    return static_cast<T*>(pool::allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    pool::deallocate(p, n * sizeof(T));
  }

  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace tenure
