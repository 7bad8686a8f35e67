// A thread's heap: the collectable objects it made, by generation, and the
// state of its destruction loop and collector.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#if TENURE_VERIFY
#include "absl/container/flat_hash_map.h"
#endif
#include "tenure/detail/refcount.h"
#include "tenure/gc.h"
#include "tenure/object.h"
#include "tenure/weak.h"

namespace tenure::detail {

inline constexpr int kGenerations = 3;
// The list that holds the objects of a collection in progress.
inline constexpr std::uint32_t kCollectingList = 3;
// gc::freeze() moves objects here; no collection looks at them.
inline constexpr std::uint32_t kPermanentList = 4;
inline constexpr int kLists = 5;

// An object's gc slot packs the list it is in (3 bits) with its index there
// (29 bits), so the header needs no list links and an owner-thread check is
// one comparison: does this thread's heap hold the object at that place?
inline constexpr unsigned kIndexBits = 29;
inline constexpr std::uint32_t kIndexMask = (1u << kIndexBits) - 1;
inline constexpr std::uint32_t kMaxListSize = kIndexMask + 1;

constexpr std::uint32_t make_slot(std::uint32_t list, std::uint32_t index) {
  return (list << kIndexBits) | index;
}
constexpr std::uint32_t list_of(std::uint32_t slot) {
  return slot >> kIndexBits;
}

// Recently freed object blocks, held back in checked builds so that stale
// handles meet poison rather than reused memory.
class Quarantine {
 public:
  struct Block {
    void* address;
    std::size_t size;
    std::align_val_t align;
  };
  ~Quarantine() { release_all(); }
  void hold(Block block) noexcept;
  void release_all() noexcept;

 private:
  static constexpr std::size_t kCapacity = 256;
  std::array<Block, kCapacity> blocks_{};
  std::size_t next_ = 0;
  std::size_t size_ = 0;
};

// Where an object was made: a std::source_location's file (static storage)
// and line; and when: its number among the heap's makes; and the bytes of
// its block.
struct Site {
  const char* file = "";
  std::uint32_t line = 0;
  std::uint32_t size = 0;
  std::uint64_t made = 0;
};

struct Heap {
  std::array<std::vector<Object*>, kLists> lists;
  std::array<std::size_t, kGenerations> count{};
  std::array<std::size_t, kGenerations> threshold{700, 10, 10};
  bool enabled = true;
  bool collecting = false;
  // Set while a collection decides (only trace() runs then): its counts
  // assume that trace() reports handles and touches none.
  bool deciding = false;
  bool in_callback = false;
  unsigned debug = 0;
  // CPython's guard against quadratic full collections: objects promoted
  // into the oldest generation since the last full collection, and the size
  // of that generation after it. An automatic full collection waits until
  // the first is at least a quarter of the second.
  std::size_t long_lived_pending = 0;
  std::size_t long_lived_total = 0;
  std::vector<Ref<Object>> saved_garbage;  // gc::kSaveAll
  std::vector<std::pair<std::uint64_t, gc::Callback>> callbacks;
  std::uint64_t next_callback_id = 1;
  std::uint64_t makes = 0;  // objects made on this heap so far
  // Indexed by the oldest generation of each collection (gc::get_stats).
  std::array<gc::GenerationStats, kGenerations> stats{};
#if TENURE_VERIFY
  absl::flat_hash_map<const Object*, Site> sites;
  std::size_t traced_bytes = 0;  // the blocks of the objects in `sites`
  std::size_t traced_peak_bytes = 0;
#endif
  // Set while the destruction loop runs: an object whose count reaches zero
  // then waits in `dying` instead of being destroyed recursively.
  bool destroying = false;
  // Set once the owning thread has exited while objects were still alive.
  bool retired = false;
  Object* dying = nullptr;  // linked through each object's weak_ field
  Quarantine quarantine;
  // The collector's stack, unused between collections (room for every
  // object of the set, each pushed at most once, so a push needs no bound
  // check; the verdicts reuse it for the survivors that move up). It keeps
  // its memory for the next collection, as the collecting list and
  // work_counts do: fresh memory costs a page fault per 512 objects, a
  // tenth of a large collection's time.
  std::unique_ptr<Object*[]> work_stack;
  std::size_t work_stack_room = 0;
  // Per object of the collection under way, by its place in the generation
  // lists: the references found inside the set, then its verdict; and one
  // cell more, where every edge that leaves the set leads.
  std::vector<std::uint32_t> work_counts;

  // Appends `object` to `list` (throws std::bad_alloc, or std::length_error
  // past kMaxListSize).
  void add(Object& object, std::uint32_t list);
  // Takes `object` out of its list (the last object of the list fills its
  // place) and marks its slot kSlotDying.
  void remove(Object& object) noexcept {
    std::uint32_t& slot = ObjectAccess::slot(object);
    std::vector<Object*>& objects = lists[list_of(slot)];
    Object* last = objects.back();
    objects[slot & kIndexMask] = last;
    ObjectAccess::slot(*last) = slot;
    objects.pop_back();
    slot = kSlotDying;
  }
  bool holds(const Object& object) const noexcept;
  std::size_t size() const noexcept;
  // A collection may not start now: one is running, a destructor cascade is
  // under way, or a gc callback is being called.
  bool busy() const noexcept { return collecting || destroying || in_callback; }
};

// This thread's heap, created on first use.
Heap& current_heap();
Heap* current_heap_if_any() noexcept;

// Clears the weak handles to `object`: they see it as gone from now on.
inline void detach_weak(Object& object) noexcept {
  WeakControl*& control = ObjectAccess::weak(object);
  if (!control) return;
  control->target = nullptr;
  control = nullptr;
}

// An object whose count reached zero leaves the heap: its weak handles
// expire and it leaves its list (its slot becomes kSlotDying). The caller
// destroys it. Inline, as detach_weak and Heap::remove are: the collector
// calls them once per garbage object.
inline void forget(Heap& heap, Object& object) noexcept {
  detach_weak(object);
  heap.remove(object);
#if TENURE_VERIFY
  if (auto site = heap.sites.find(&object); site != heap.sites.end()) {
    heap.traced_bytes -= site->second.size;
    heap.sites.erase(site);
  }
#endif
  if (heap.count[0] > 0) --heap.count[0];
}

// Destroys every object waiting in heap.dying, and those their destructors
// release in turn, iteratively.
void run_destructions(Heap& heap) noexcept;

// The collector's automatic trigger, called by track() after an allocation.
void collect_if_due(Heap& heap) noexcept;

// The heap's invariants at a safe point (no collection, destructor cascade or
// callback under way), checked the way CPython's validate_list checks gc.c's
// lists: each object in generations 0..last_generation (and, when that is
// the oldest, in the permanent list) sits at the place its slot names, is
// alive with a count of at least one, and its weak control points back at
// it; the collecting list is empty and nothing waits to be destroyed. Aborts
// with "tenure: fatal: heap: ..." naming the first broken one. Linear in the
// lists it checks; checked builds (TENURE_CHECKS) call it before and after
// every collection, on the generations that collection touches.
void validate_heap(const Heap& heap,
                   int last_generation = kGenerations - 1) noexcept;

}  // namespace tenure::detail
