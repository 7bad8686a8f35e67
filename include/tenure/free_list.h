// tenure::FreeListed: a bounded per-type free list of object shells.
#pragma once

#include <cstddef>
#include <new>

#include "tenure/detail/sanitizer.h"
#include "tenure/object.h"

namespace tenure {

// Counts of the calling thread's free list of one type.
struct FreeListStats {
  std::size_t hits = 0;    // allocations served by a kept shell
  std::size_t misses = 0;  // allocations that went to the pool
  std::size_t size = 0;    // shells kept now
  std::size_t capacity = 0;
};

namespace detail {

// The base of every thread's free lists, linked so that a full collection
// can empty them all (CPython empties its free lists in gc.collect(2)).
class FreeListBase {
 public:
  FreeListBase(const FreeListBase&) = delete;
  FreeListBase& operator=(const FreeListBase&) = delete;
  virtual void clear() noexcept = 0;

 protected:
  FreeListBase() noexcept;  // joins the calling thread's set
  ~FreeListBase();

 private:
  friend void clear_free_lists() noexcept;
  FreeListBase* prev_ = nullptr;
  FreeListBase* next_ = nullptr;
};

// Gives every shell on the calling thread's free lists back to the pool.
// Called at the end of each generation-2 collection.
void clear_free_lists() noexcept;

template <class Shell, std::size_t Capacity, class Base>
class ShellList final : public FreeListBase {
 public:
  ~ShellList() { clear(); }

  void* take(std::size_t size) {
    if (size_ > 0) {
      ++stats_.hits;
      void* shell = shells_[--size_];
      unpoison(shell, sizeof(Shell));
      return shell;
    }
    ++stats_.misses;
    return Base::operator new(size);
  }
  void give(void* shell, std::size_t size) noexcept {
    if (size_ == Capacity) {
      Base::operator delete(shell, size);
      return;
    }
    // Under ASan a kept shell is poisoned like a freed block.
    poison(shell, sizeof(Shell));
    shells_[size_++] = shell;
  }
  void clear() noexcept override {
    while (size_ > 0) {
      void* shell = shells_[--size_];
      unpoison(shell, sizeof(Shell));
      Base::operator delete(shell, sizeof(Shell));
    }
  }
  FreeListStats stats() const noexcept {
    FreeListStats out = stats_;
    out.size = size_;
    out.capacity = Capacity;
    return out;
  }

 private:
  void* shells_[Capacity];
  std::size_t size_ = 0;
  FreeListStats stats_;
};

}  // namespace detail

// Derive a type from FreeListed<Type, N> (instead of tenure::Object, or
// with Base = tenure::SharedObject) to keep up to N freed shells of it per
// thread and reuse them for the next tenure::make<Type>, skipping the
// allocator: CPython's free lists for floats, tuples and frames. The list
// belongs to the thread that frees; it is bounded, and a full collection
// (gc::collect(), generation 2) empties it. Subclasses of Type, whose size
// differs, allocate as usual.
//
//   class Point : public tenure::FreeListed<Point, 64> { ... };
template <class Derived, std::size_t Capacity, class Base = Object>
class FreeListed : public Base {
  static_assert(Capacity > 0, "a free list needs a capacity of at least 1");

 public:
  static void* operator new(std::size_t size) {
    static_assert(alignof(Derived) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                  "FreeListed types need at most the default new alignment");
    if (size != sizeof(Derived)) return Base::operator new(size);
    return list().take(size);
  }
  static void operator delete(void* block, std::size_t size) noexcept {
    if (size != sizeof(Derived)) {
      Base::operator delete(block, size);
    } else {
      list().give(block, size);
    }
  }

  // The calling thread's counts for this type.
  static FreeListStats free_list_stats() noexcept { return list().stats(); }

 protected:
  FreeListed() noexcept = default;
  FreeListed(const FreeListed&) noexcept = default;
  FreeListed& operator=(const FreeListed&) noexcept = default;
  ~FreeListed() override = default;

 private:
  using List = detail::ShellList<Derived, Capacity, Base>;
  static List& list() noexcept {
    thread_local List list;
    return list;
  }
};

}  // namespace tenure
