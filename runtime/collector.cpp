// The generational cycle collector, after CPython's gc module.
//
// For the generations being collected: copy each object's count, subtract
// the references that come from inside that set (found through trace);
// objects left above zero are held from outside, and so is everything they
// reach. The rest is cyclic garbage: its weak handles are cleared, then its
// strong handles (trace in clearing mode), and destructors run as counts
// reach zero.
#include <cstdint>
#include <new>
#include <stdexcept>
#include <typeinfo>
#include <vector>

#include "heap.h"
#include "tenure/detail/fail.h"
#include "tenure/free_list.h"
#include "tenure/gc.h"
#include "tenure/tracer.h"

namespace tenure {
namespace detail {
namespace {

// The index of `object` in the collecting list, or -1 when it is outside the
// set being collected (an older generation: its references are not
// subtracted, which is what makes a young collection sound).
std::int64_t index_in_collection(const Object& object) {
  // The untracked and dying sentinels carry list 7, never kCollectingList.
  std::uint32_t slot = ObjectAccess::slot(const_cast<Object&>(object));
  if ((slot >> kIndexBits) != kCollectingList) return -1;
  return slot & kIndexMask;
}

// Subtracts the references found inside the set from the copied counts.
class SubtractInternal final : public Tracer {
 public:
  explicit SubtractInternal(std::vector<std::int64_t>& refs)
      : Tracer(/*clearing=*/false), refs_(refs) {}

 private:
  void visit(Object& target) override {
    std::int64_t index = index_in_collection(target);
    if (index < 0) return;
    if (--refs_[index] < 0) {
#if TENURE_CHECKS
      fail(typeid(target), "trace() reported more references to this object "
                           "than its count (a trace visits a handle it does "
                           "not own, or visits one twice)");
#endif
    }
  }
  std::vector<std::int64_t>& refs_;
};

// The copied count of an object known to be held from outside the set.
constexpr std::int64_t kReachable = -(std::int64_t{1} << 40);

// Marks what the externally held objects reach inside the set.
class MarkReachable final : public Tracer {
 public:
  MarkReachable(std::vector<std::int64_t>& refs,
                std::vector<std::uint32_t>& stack)
      : Tracer(/*clearing=*/false), refs_(refs), stack_(stack) {}

 private:
  void visit(Object& target) override {
    std::int64_t index = index_in_collection(target);
    if (index < 0 || refs_[index] == kReachable) return;
    refs_[index] = kReachable;
    stack_.push_back(static_cast<std::uint32_t>(index));
  }

  std::vector<std::int64_t>& refs_;
  std::vector<std::uint32_t>& stack_;
};

// Resets the strong handles of garbage, breaking its cycles.
class ClearHandles final : public Tracer {
 public:
  ClearHandles() : Tracer(/*clearing=*/true) {}

 private:
  void visit(Object&) override {}
};

std::size_t collect_generations(Heap& heap, int oldest) {
  std::size_t total = 0;
  for (int gen = 0; gen <= oldest; ++gen) total += heap.lists[gen].size();
  std::uint32_t survivors_list = oldest + 1 < kGenerations ? oldest + 1 : oldest;

  // Everything that can fail to allocate happens before any state changes:
  // an allocation failure leaves the heap as it was.
  std::vector<Object*>& work = heap.lists[kCollectingList];
  std::vector<std::int64_t> refs(total);
  std::vector<std::uint32_t> stack;
  std::vector<Object*> garbage;
  stack.reserve(total);
  garbage.reserve(total);
  work.reserve(total);
  heap.lists[survivors_list].reserve(heap.lists[survivors_list].size() +
                                     total);

  heap.collecting = true;
  for (int gen = 0; gen <= oldest; ++gen) {
    for (Object* object : heap.lists[gen]) heap.add(*object, kCollectingList);
    heap.lists[gen].clear();
  }
  for (std::size_t i = 0; i < total; ++i) {
    refs[i] = ObjectAccess::count(*work[i]);
  }
  try {
    SubtractInternal subtract(refs);
    for (Object* object : work) object->trace(subtract);

    MarkReachable mark(refs, stack);
    for (std::size_t i = 0; i < total; ++i) {
      // Negative counts only arise from a trace that over-reports; treating
      // such objects as held from outside keeps them, which is safe.
      if (refs[i] != 0 && refs[i] != kReachable) {
        refs[i] = kReachable;
        stack.push_back(static_cast<std::uint32_t>(i));
      }
      while (!stack.empty()) {
        Object* reached = work[stack.back()];
        stack.pop_back();
        reached->trace(mark);
      }
    }
  } catch (...) {
    // A trace() threw before anything was decided: every object survives
    // (the reserved survivors list has room) and the heap stays usable.
    for (Object* object : work) heap.add(*object, survivors_list);
    work.clear();
    heap.collecting = false;
    throw;
  }

  // Survivors move up a generation; garbage stays in the collecting list
  // (so it remains tracked and owned) until it is destroyed.
  for (std::size_t i = 0; i < total; ++i) {
    if (refs[i] == kReachable) {
      heap.add(*work[i], survivors_list);
    } else {
      garbage.push_back(work[i]);
    }
  }
  work.clear();
  for (Object* object : garbage) heap.add(*object, kCollectingList);

  heap.count[0] = 0;
  for (int gen = 1; gen <= oldest; ++gen) heap.count[gen] = 0;
  if (oldest + 1 < kGenerations) ++heap.count[oldest + 1];

  // Hold every garbage object while its handles are cleared, so none is
  // destroyed half-way; what the clearing frees outside the garbage waits
  // until the clearing is done.
  for (Object* object : garbage) ++ObjectAccess::count(*object);
  for (Object* object : garbage) detach_weak(*object);
  heap.destroying = true;
  ClearHandles clear;
  for (Object* object : garbage) object->trace(clear);
  run_destructions(heap);
  // Then the holds go one at a time and each destructor runs at once, while
  // the rest of the garbage is still held: a destructor that stores a handle
  // to another garbage object (resurrection) keeps that object alive.
  for (Object* object : garbage) {
    if (--ObjectAccess::count(*object) == 0) release_last(object);
  }

  // Resurrected objects survive, with their handles cleared.
  for (Object* object : work) heap.add(*object, survivors_list);
  work.clear();
  heap.collecting = false;
  if (oldest == kGenerations - 1) clear_free_lists();
  return garbage.size();
}

}  // namespace

void collect_if_due(Heap& heap) noexcept {
  if (!heap.enabled || heap.collecting || heap.destroying ||
      heap.threshold[0] == 0 || heap.count[0] <= heap.threshold[0]) {
    return;
  }
  int oldest = 0;
  for (int gen = kGenerations - 1; gen > 0; --gen) {
    if (heap.count[gen] > heap.threshold[gen]) {
      oldest = gen;
      break;
    }
  }
  try {
    collect_generations(heap, oldest);
  } catch (...) {
    // No memory for the work lists, or a trace() that threw: the heap is as
    // it was (see collect_generations), and the next allocation tries again.
  }
}

}  // namespace detail

namespace gc {

std::size_t collect(int generation) {
  if (generation < 0 || generation >= detail::kGenerations) {
    throw std::out_of_range("tenure::gc::collect: generation must be 0, 1 or 2");
  }
  detail::Heap& heap = detail::current_heap();
  if (heap.collecting || heap.destroying) return 0;
  return detail::collect_generations(heap, generation);
}

void enable() noexcept { detail::current_heap().enabled = true; }
void disable() noexcept { detail::current_heap().enabled = false; }
bool is_enabled() noexcept { return detail::current_heap().enabled; }

std::array<std::size_t, 3> get_count() noexcept {
  return detail::current_heap().count;
}
std::array<std::size_t, 3> get_threshold() noexcept {
  return detail::current_heap().threshold;
}
void set_threshold(std::size_t threshold0) noexcept {
  detail::current_heap().threshold[0] = threshold0;
}
void set_threshold(std::size_t threshold0, std::size_t threshold1) noexcept {
  set_threshold(threshold0);
  detail::current_heap().threshold[1] = threshold1;
}
void set_threshold(std::size_t threshold0, std::size_t threshold1,
                   std::size_t threshold2) noexcept {
  set_threshold(threshold0, threshold1);
  detail::current_heap().threshold[2] = threshold2;
}

std::size_t tracked_count() noexcept {
  detail::Heap* heap = detail::current_heap_if_any();
  return heap ? heap->size() : 0;
}

}  // namespace gc
}  // namespace tenure
