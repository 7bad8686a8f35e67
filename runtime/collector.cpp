// The generational cycle collector, after CPython's gc module.
//
// For the generations being collected: copy each object's count, subtract
// the references that come from inside that set (found through trace);
// objects left above zero are held from outside, and so is everything they
// reach. The rest is cyclic garbage: its weak handles are cleared, then its
// strong handles (trace in clearing mode), and destructors run as counts
// reach zero.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
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

// While a collection decides, each object in the set being collected keeps
// its working count in its own gc slot, as CPython keeps gc_refs in the
// object header: the slot says "in the set" (list kCollectingList) and holds
// the count in the index bits. Objects outside the set (older generations,
// frozen) keep their usual slot, so their references are never subtracted:
// that is what makes a young collection sound. Slots are rebuilt from the
// generation lists afterwards.
constexpr std::uint32_t kInSet = kCollectingList << kIndexBits;
// Working counts with a meaning of their own.
constexpr std::uint32_t kReachable = kIndexMask;    // held from outside
constexpr std::uint32_t kSaturated = kIndexMask - 1;  // too big to count down

std::uint32_t* working_count(Object& object) {
  std::uint32_t& slot = ObjectAccess::slot(object);
  // The untracked and dying sentinels carry list 7, never kCollectingList.
  return list_of(slot) == kCollectingList ? &slot : nullptr;
}

// Subtracts the references found inside the set from the working counts.
class SubtractInternal final : public Tracer {
 public:
  SubtractInternal() : Tracer(/*clearing=*/false) {}

 private:
  void visit(Object& target) override {
    std::uint32_t* slot = working_count(target);
    if (!slot || (*slot & kIndexMask) == kSaturated) return;
    if ((*slot & kIndexMask) == 0) {
#if TENURE_CHECKS
      fail(typeid(target), "trace() reported more references to this object "
                           "than its count (a trace visits a handle it does "
                           "not own, or visits one twice)");
#endif
      // Keeping an over-reported object (as held from outside) is safe.
      *slot = kInSet | kSaturated;
      return;
    }
    --*slot;
  }
};

// Marks what the externally held objects reach inside the set.
class MarkReachable final : public Tracer {
 public:
  explicit MarkReachable(std::vector<Object*>& stack)
      : Tracer(/*clearing=*/false), stack_(stack) {}

 private:
  void visit(Object& target) override {
    std::uint32_t* slot = working_count(target);
    if (!slot || (*slot & kIndexMask) == kReachable) return;
    *slot = kInSet | kReachable;
    stack_.push_back(&target);
  }

  std::vector<Object*>& stack_;
};

// Resets the strong handles of garbage, breaking its cycles.
class ClearHandles final : public Tracer {
 public:
  ClearHandles() : Tracer(/*clearing=*/true) {}

 private:
  void visit(Object&) override {}
};

// Room for `extra` more elements, growing geometrically: an exact reserve
// at every collection would copy a growing generation each time, which is
// quadratic while a structure grows.
template <class T>
void reserve_more(std::vector<T>& v, std::size_t extra) {
  std::size_t needed = v.size() + extra;
  if (needed > v.capacity()) v.reserve(std::max(needed, 2 * v.capacity()));
}

// Gives every object in lists[0..oldest] back the slot that names its place.
void restore_slots(Heap& heap, int oldest) noexcept {
  for (int gen = 0; gen <= oldest; ++gen) {
    std::vector<Object*>& objects = heap.lists[gen];
    for (std::uint32_t i = 0; i < objects.size(); ++i) {
      ObjectAccess::slot(*objects[i]) = make_slot(gen, i);
    }
  }
}

// Moves `object` from wherever it is to the end of `list`; the caller has
// reserved room.
void move_to(Heap& heap, Object& object, std::uint32_t list) noexcept {
  heap.remove(object);
  heap.lists[list].push_back(&object);
  ObjectAccess::slot(object) =
      make_slot(list, static_cast<std::uint32_t>(heap.lists[list].size() - 1));
}

std::size_t collect_generations(Heap& heap, int oldest) {
  std::size_t total = 0;
  for (int gen = 0; gen <= oldest; ++gen) total += heap.lists[gen].size();
  std::uint32_t survivors_list = oldest + 1 < kGenerations ? oldest + 1 : oldest;
  const bool save_all = (heap.debug & gc::kSaveAll) != 0;

  // Everything that can fail to allocate happens before any state changes:
  // an allocation failure leaves the heap as it was.
  std::vector<Object*>& doomed = heap.lists[kCollectingList];
  std::vector<Object*> stack;
  std::vector<Object*> garbage;
  stack.reserve(total);
  garbage.reserve(total);
  doomed.reserve(total);
  reserve_more(heap.lists[survivors_list], total);
  if (save_all) reserve_more(heap.saved_garbage, total);

  heap.collecting = true;
  for (int gen = 0; gen <= oldest; ++gen) {
    for (Object* object : heap.lists[gen]) {
      std::uint32_t count = ObjectAccess::count(*object);
      ObjectAccess::slot(*object) =
          kInSet | (count < kSaturated ? count : kSaturated);
    }
  }
  try {
    SubtractInternal subtract;
    for (int gen = 0; gen <= oldest; ++gen) {
      for (Object* object : heap.lists[gen]) object->trace(subtract);
    }
    MarkReachable mark(stack);
    for (int gen = 0; gen <= oldest; ++gen) {
      for (Object* object : heap.lists[gen]) {
        std::uint32_t& slot = ObjectAccess::slot(*object);
        if ((slot & kIndexMask) == 0 || (slot & kIndexMask) == kReachable) {
          continue;
        }
        slot = kInSet | kReachable;
        stack.push_back(object);
        while (!stack.empty()) {
          Object* reached = stack.back();
          stack.pop_back();
          reached->trace(mark);
        }
      }
    }
  } catch (...) {
    // A trace() threw before anything was decided: nothing has moved, and
    // the heap stays usable.
    restore_slots(heap, oldest);
    heap.collecting = false;
    throw;
  }

  // One pass reads the verdicts and gives the slots back.
  for (int gen = 0; gen <= oldest; ++gen) {
    std::vector<Object*>& objects = heap.lists[gen];
    for (std::uint32_t i = 0; i < objects.size(); ++i) {
      std::uint32_t& slot = ObjectAccess::slot(*objects[i]);
      if ((slot & kIndexMask) != kReachable) garbage.push_back(objects[i]);
      slot = make_slot(gen, i);
    }
  }
  // Garbage waits in the collecting list (still tracked and owned) until it
  // is destroyed; survivors move up a generation, except those already in
  // the oldest.
  for (Object* object : garbage) move_to(heap, *object, kCollectingList);
  std::size_t survivors = 0;
  for (int gen = 0; gen <= oldest; ++gen) {
    if (static_cast<std::uint32_t>(gen) == survivors_list) continue;
    survivors += heap.lists[gen].size();
    for (Object* object : heap.lists[gen]) {
      heap.lists[survivors_list].push_back(object);
      ObjectAccess::slot(*object) = make_slot(
          survivors_list,
          static_cast<std::uint32_t>(heap.lists[survivors_list].size() - 1));
    }
    heap.lists[gen].clear();
  }

  heap.count[0] = 0;
  for (int gen = 1; gen <= oldest; ++gen) heap.count[gen] = 0;
  if (oldest + 1 < kGenerations) ++heap.count[oldest + 1];
  if (oldest == 1) heap.long_lived_pending += survivors;

  if (save_all) {
    // Kept for inspection: each object gets a handle in garbage() and
    // survives, uncleared, into the oldest generation collected.
    for (Object* object : garbage) {
      heap.saved_garbage.push_back(Ref<Object>::from_this(object));
    }
  } else {
    // Hold every garbage object while its handles are cleared, so none is
    // destroyed half-way; what the clearing frees outside the garbage waits
    // until the clearing is done.
    for (Object* object : garbage) ++ObjectAccess::count(*object);
    for (Object* object : garbage) detach_weak(*object);
    heap.destroying = true;
    ClearHandles clear;
    for (Object* object : garbage) object->trace(clear);
    run_destructions(heap);
    // Then the holds go one at a time and each destructor runs at once,
    // while the rest of the garbage is still held: a destructor that stores
    // a handle to another garbage object (resurrection) keeps it alive.
    for (Object* object : garbage) {
      if (--ObjectAccess::count(*object) == 0) release_last(object);
    }
  }

  // Resurrected (or saved) objects survive, resurrected ones with their
  // handles cleared. The reserve above left room for them.
  gc::GenerationStats& stats = heap.stats[oldest];
  ++stats.collections;
  stats.collected += garbage.size();
  stats.uncollectable += doomed.size();  // what is left there was not freed
  while (!doomed.empty()) move_to(heap, *doomed.back(), survivors_list);
  if (oldest == kGenerations - 1) {
    heap.long_lived_pending = 0;
    heap.long_lived_total = heap.lists[kGenerations - 1].size();
    // The end of a full collection: where per-type free lists are emptied
    // (the allocator's hook goes here).
  }
  heap.collecting = false;
  if (oldest == kGenerations - 1) clear_free_lists();
  return garbage.size();
}

// Calls each callback with the heap marked so that none can start a
// collection. A copy is iterated: a callback may add or remove callbacks.
void notify(Heap& heap, gc::Phase phase, const gc::CollectionInfo& info) {
  if (heap.callbacks.empty()) return;
  auto callbacks = heap.callbacks;
  heap.in_callback = true;
  struct Reset {
    Heap& heap;
    ~Reset() { heap.in_callback = false; }
  } reset{heap};
  for (auto& [id, callback] : callbacks) callback(phase, info);
}

// A collection with its callbacks around it.
std::size_t run_collection(Heap& heap, int oldest) {
  gc::CollectionInfo info;
  info.generation = oldest;
  notify(heap, gc::Phase::kStart, info);
  auto start = std::chrono::steady_clock::now();
  info.collected = collect_generations(heap, oldest);
  info.duration = std::chrono::steady_clock::now() - start;
  notify(heap, gc::Phase::kStop, info);
  return info.collected;
}

void refuse(const char* what) {
  std::fprintf(stderr,
               "tenure: error: %s refused: a collection, destructor cascade "
               "or gc callback is running on this thread\n",
               what);
}

}  // namespace

void collect_if_due(Heap& heap) noexcept {
  if (!heap.enabled || heap.busy() || heap.threshold[0] == 0 ||
      heap.count[0] <= heap.threshold[0]) {
    return;
  }
  int oldest = 0;
  for (int gen = kGenerations - 1; gen > 0; --gen) {
    if (heap.count[gen] <= heap.threshold[gen]) continue;
    // CPython's long-lived-pending rule: a full collection only once the
    // oldest generation has grown by a quarter since the last one, so a
    // growing structure costs linear, not quadratic, scanning.
    if (gen == kGenerations - 1 &&
        heap.long_lived_pending < heap.long_lived_total / 4) {
      continue;
    }
    oldest = gen;
    break;
  }
  try {
    run_collection(heap, oldest);
  } catch (...) {
    // No memory for the work lists, a trace() or a callback that threw: the
    // heap is as it was (see collect_generations), and the next allocation
    // tries again.
  }
}

}  // namespace detail

namespace gc {

std::size_t collect(int generation) {
  if (generation < 0 || generation >= detail::kGenerations) {
    throw std::out_of_range("tenure::gc::collect: generation must be 0, 1 or 2");
  }
  detail::Heap& heap = detail::current_heap();
  if (heap.busy()) {
    detail::refuse("tenure::gc::collect()");
    return 0;
  }
  return detail::run_collection(heap, generation);
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

void freeze() {
  detail::Heap& heap = detail::current_heap();
  if (heap.collecting) return detail::refuse("tenure::gc::freeze()");
  std::vector<Object*>& permanent = heap.lists[detail::kPermanentList];
  std::size_t moving = 0;
  for (int gen = 0; gen < detail::kGenerations; ++gen) {
    moving += heap.lists[gen].size();
  }
  detail::reserve_more(permanent, moving);  // may throw, changes nothing
  for (int gen = 0; gen < detail::kGenerations; ++gen) {
    for (Object* object : heap.lists[gen]) {
      heap.add(*object, detail::kPermanentList);
    }
    heap.lists[gen].clear();
  }
  heap.count = {};
  heap.long_lived_pending = 0;
  heap.long_lived_total = 0;
}

void unfreeze() {
  detail::Heap& heap = detail::current_heap();
  if (heap.collecting) return detail::refuse("tenure::gc::unfreeze()");
  constexpr std::uint32_t kOldest = detail::kGenerations - 1;
  std::vector<Object*>& permanent = heap.lists[detail::kPermanentList];
  detail::reserve_more(heap.lists[kOldest], permanent.size());
  for (Object* object : permanent) heap.add(*object, kOldest);
  heap.long_lived_pending += permanent.size();
  permanent.clear();
}

std::size_t get_freeze_count() noexcept {
  detail::Heap* heap = detail::current_heap_if_any();
  return heap ? heap->lists[detail::kPermanentList].size() : 0;
}

void set_debug(unsigned flags) noexcept { detail::current_heap().debug = flags; }
unsigned get_debug() noexcept { return detail::current_heap().debug; }
std::vector<Ref<Object>>& garbage() {
  return detail::current_heap().saved_garbage;
}

std::uint64_t add_callback(Callback callback) {
  detail::Heap& heap = detail::current_heap();
  std::uint64_t id = heap.next_callback_id++;
  heap.callbacks.emplace_back(id, std::move(callback));
  return id;
}

bool remove_callback(std::uint64_t id) {
  detail::Heap& heap = detail::current_heap();
  return std::erase_if(heap.callbacks,
                       [id](const auto& entry) { return entry.first == id; }) > 0;
}

}  // namespace gc
}  // namespace tenure
