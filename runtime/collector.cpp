// The generational cycle collector, after CPython's gc module.
//
// For the generations being collected: copy each object's count, subtract
// the references that come from inside that set (found through trace);
// objects left above zero are held from outside, and so is everything they
// reach. The rest is cyclic garbage: its weak handles are cleared, then its
// strong handles (trace in clearing mode), and destructors run as counts
// reach zero.
#include <algorithm>
#include <array>
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
constexpr std::uint32_t kReachable = kIndexMask;  // held from outside
// Passed by mark_reachable's scan with no reference from outside (yet).
constexpr std::uint32_t kUnreached = kIndexMask - 1;
constexpr std::uint32_t kSaturated = kIndexMask - 2;  // too big to count down

std::uint32_t* working_count(Object& object) {
  std::uint32_t& slot = ObjectAccess::slot(object);
  // The untracked and dying sentinels carry list 7, never kCollectingList.
  return list_of(slot) == kCollectingList ? &slot : nullptr;
}

// The traversal is memory-bound: on a large graph nearly every edge leads to
// a header that is not in any cache. So the tracers do not touch the target
// of an edge when trace() reports it: they request its header from memory
// and queue it, and handle it kQueueDepth edges later, when the line has
// (most likely) arrived; a dozen misses are then in flight at once instead
// of one. Boehm's collector prefetches from its mark stack for the same
// reason. Each phase touches each header once.
constexpr std::size_t kSubtractDepth = 16;
// The mark scans in list order, where most edges of trees and rings lead a
// little ahead of the scan and the hardware prefetcher already has the
// line: a deeper queue measured slower there (live 10^6-node tree 20 ns per
// object at depth 1, 32 at depth 32) and only somewhat faster on random
// graphs (138 against 113), so it looks one edge ahead.
constexpr std::size_t kMarkDepth = 1;
// How far the sequential passes over a generation list request headers
// ahead of the one they work on.
constexpr std::size_t kAhead = 8;

void prefetch_header(const Object* object) {
  __builtin_prefetch(&ObjectAccess::slot(*const_cast<Object*>(object)), 1, 3);
}

// Calls `handle(object)` for each object pushed, in order, kQueueDepth
// pushes after its header was requested.
template <class Handle, std::size_t kQueueDepth>
class PrefetchQueue {
 public:
  explicit PrefetchQueue(Handle handle) : handle_(handle) {}

  void push(Object& target) {
    prefetch_header(&target);
    if (size_ < kQueueDepth) {
      ring_[(head_ + size_++) % kQueueDepth] = &target;
      return;
    }
    Object* oldest = ring_[head_];
    ring_[head_] = &target;
    head_ = (head_ + 1) % kQueueDepth;
    handle_(*oldest);
  }
  // Handles the oldest queued object; false when none is queued.
  bool pop() {
    if (size_ == 0) return false;
    Object* oldest = ring_[head_];
    head_ = (head_ + 1) % kQueueDepth;
    --size_;
    handle_(*oldest);
    return true;
  }
  void drain() {
    while (pop()) {
    }
  }

 private:
  Handle handle_;
  std::array<Object*, kQueueDepth> ring_{};
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

// Subtracts one reference found inside the set from its target's working
// count.
struct Subtract {
  void operator()(Object& target) const {
    std::uint32_t* slot = working_count(target);
    if (!slot || (*slot & kIndexMask) == kSaturated) return;
    if ((*slot & kIndexMask) == 0) {
#if TENURE_CHECKS
      fail(typeid(target),
           "trace() reported more references to this object "
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

// Subtracts the references found inside the set from the working counts.
class SubtractInternal final : public Tracer {
 public:
  SubtractInternal() : Tracer(/*clearing=*/false), queue_(Subtract{}) {}
  void finish() { queue_.drain(); }

 private:
  void visit(Object& target) override { queue_.push(target); }

  PrefetchQueue<Subtract, kSubtractDepth> queue_;
};

// Marks an object in the set as reachable and puts it on the stack of
// objects whose trace() is still to be followed.
//
// The mark goes through the set in list order, as CPython's
// move_unreachable does: an object reached by an edge from one the scan has
// traced is only marked when the scan has not passed it yet (the scan
// traces it when it gets there, so that in the common case tracing runs in
// list order, which is allocation order), and followed at once from a stack
// when the scan has passed it already.
struct Reach {
  std::vector<Object*>* stack;
  void operator()(Object& target) const {
    std::uint32_t* slot = working_count(target);
    if (!slot) return;
    std::uint32_t state = *slot & kIndexMask;
    if (state == kReachable) return;
    *slot = kInSet | kReachable;
    if (state == kUnreached) stack->push_back(&target);
  }
};

// Marks what the externally held objects reach inside the set.
class MarkReachable final : public Tracer {
 public:
  explicit MarkReachable(std::vector<Object*>& stack)
      : Tracer(/*clearing=*/false), stack_(stack), queue_(Reach{&stack}) {}

  // Follows the edges of everything on the stack, and of everything they
  // reach behind the scan.
  void follow_stack() {
    while (!stack_.empty()) {
      Object* reached = stack_.back();
      stack_.pop_back();
      reached->trace(*this);
    }
  }
  // After the scan: until both the queue and the stack are empty.
  void finish() {
    do {
      follow_stack();
    } while (queue_.pop());
  }

 private:
  void visit(Object& target) override { queue_.push(target); }

  std::vector<Object*>& stack_;
  PrefetchQueue<Reach, kMarkDepth> queue_;
};

// Requests the headers of what an object's handles point at: run on the
// garbage a few objects ahead of the one being cleared, whose handles'
// targets the clearing then decrements.
class PrefetchTargets final : public Tracer {
 public:
  PrefetchTargets() : Tracer(/*clearing=*/false) {}

 private:
  void visit(Object& target) override { prefetch_header(&target); }
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

// One collection of generations 0..oldest. Its phases, in order (CPython's
// gc.c names in brackets):
//   reserve_work           every allocation the collection needs, before any
//                          state changes: a failure leaves the heap as it was
//   copy_counts            [update_refs] working count := refcount, in the slot
//   subtract_internal      [subtract_refs] minus the references from inside
//   mark_reachable         [move_unreachable] count > 0: held from outside;
//                          so is everything it reaches
//   take_verdicts          the rest is garbage: into the collecting list,
//                          held, its weak handles cleared [handle_weakrefs];
//                          every slot names its place again
//   promote_survivors      survivors up a generation
//   save_garbage or destroy_garbage  [delete_garbage]
//   keep_resurrected       what a destructor stored somewhere live survives
// Until take_verdicts the slots of the set hold working counts (so checked
// builds validate the heap before copy_counts and after keep_resurrected).
struct Collection {
  Heap& heap;
  int oldest;
  // Where survivors go: the next generation, or the oldest for itself.
  std::uint32_t survivors_list;
  bool save_all;
  std::vector<Object*>& stack;    // mark_reachable's work list
  std::vector<Object*>& garbage;  // in the order destroy_garbage frees it

  Collection(Heap& h, int o)
      : heap(h),
        oldest(o),
        survivors_list(o + 1 < kGenerations ? o + 1 : o),
        save_all((h.debug & gc::kSaveAll) != 0),
        stack(h.work_stack),
        garbage(h.work_garbage) {}
  // The work lists give their memory back once the heap has shrunk well
  // below them.
  ~Collection() {
    stack.clear();
    garbage.clear();
    std::size_t size = heap.size();
    if (garbage.capacity() > 4 * size + 4096) {
      std::vector<Object*>().swap(stack);
      std::vector<Object*>().swap(garbage);
    }
  }
};

// Throws std::bad_alloc with nothing changed.
void reserve_work(Collection& c) {
  Heap& heap = c.heap;
  std::size_t total = 0;
  for (int gen = 0; gen <= c.oldest; ++gen) total += heap.lists[gen].size();
  reserve_more(c.stack, total);
  reserve_more(c.garbage, total);
  heap.lists[kCollectingList].reserve(total);
  reserve_more(heap.lists[c.survivors_list], total);
  if (c.save_all) reserve_more(heap.saved_garbage, total);
}

void copy_counts(Heap& heap, int oldest) noexcept {
  for (int gen = 0; gen <= oldest; ++gen) {
    std::vector<Object*>& objects = heap.lists[gen];
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (i + kAhead < objects.size()) prefetch_header(objects[i + kAhead]);
      Object& object = *objects[i];
      std::uint32_t count = ObjectAccess::count(object);
      ObjectAccess::slot(object) =
          kInSet | (count < kSaturated ? count : kSaturated);
    }
  }
}

// May throw from a trace().
void subtract_internal(Heap& heap, int oldest) {
  SubtractInternal subtract;
  for (int gen = 0; gen <= oldest; ++gen) {
    std::vector<Object*>& objects = heap.lists[gen];
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (i + kAhead < objects.size()) prefetch_header(objects[i + kAhead]);
      objects[i]->trace(subtract);
    }
  }
  subtract.finish();
}

// Leaves kReachable in the slot of every object held from outside the set or
// reachable from one, kUnreached in the others. May throw from a trace().
void mark_reachable(Heap& heap, int oldest, std::vector<Object*>& stack) {
  MarkReachable mark(stack);
  for (int gen = 0; gen <= oldest; ++gen) {
    std::vector<Object*>& objects = heap.lists[gen];
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (i + kAhead < objects.size()) prefetch_header(objects[i + kAhead]);
      std::uint32_t& slot = ObjectAccess::slot(*objects[i]);
      if ((slot & kIndexMask) == 0) {
        slot = kInSet | kUnreached;
        continue;
      }
      // Held from outside, or reached by an edge before the scan got here.
      slot = kInSet | kReachable;
      objects[i]->trace(mark);
      mark.follow_stack();
    }
  }
  mark.finish();
}

// One pass per generation reads the verdicts: garbage goes to the
// collecting list (still tracked and owned) to wait for its destruction,
// survivors close up in their order, and every slot names its place again.
// Unless the garbage is to be saved, each garbage object is also held (so
// that none is destroyed half-way through destroy_garbage) and its weak
// handles are cleared, in the same pass.
void take_verdicts(Heap& heap, int oldest, std::vector<Object*>& garbage,
                   bool hold) noexcept {
  std::vector<Object*>& doomed = heap.lists[kCollectingList];
  for (int gen = 0; gen <= oldest; ++gen) {
    std::vector<Object*>& objects = heap.lists[gen];
    std::uint32_t kept = 0;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (i + kAhead < objects.size()) prefetch_header(objects[i + kAhead]);
      Object* object = objects[i];
      std::uint32_t& slot = ObjectAccess::slot(*object);
      if ((slot & kIndexMask) == kReachable) {
        slot = make_slot(gen, kept);
        objects[kept++] = object;
      } else {
        slot = make_slot(kCollectingList,
                         static_cast<std::uint32_t>(doomed.size()));
        doomed.push_back(object);
        garbage.push_back(object);
        if (hold) {
          ++ObjectAccess::count(*object);
          detach_weak(*object);
        }
      }
    }
    objects.resize(kept);
  }
}

// Survivors move up a generation, except those already in the oldest; the
// generations' counts start over.
void promote_survivors(Collection& c) noexcept {
  Heap& heap = c.heap;
  std::vector<Object*>& promoted = heap.lists[c.survivors_list];
  std::size_t survivors = 0;
  for (int gen = 0; gen <= c.oldest; ++gen) {
    if (static_cast<std::uint32_t>(gen) == c.survivors_list) continue;
    survivors += heap.lists[gen].size();
    for (Object* object : heap.lists[gen]) {
      promoted.push_back(object);
      ObjectAccess::slot(*object) = make_slot(
          c.survivors_list, static_cast<std::uint32_t>(promoted.size() - 1));
    }
    heap.lists[gen].clear();
  }

  heap.count[0] = 0;
  for (int gen = 1; gen <= c.oldest; ++gen) heap.count[gen] = 0;
  if (c.oldest + 1 < kGenerations) ++heap.count[c.oldest + 1];
  if (c.oldest == 1) heap.long_lived_pending += survivors;
}

// gc::kSaveAll: each object gets a handle in garbage() and survives,
// uncleared, into the oldest generation collected.
void save_garbage(Heap& heap, const std::vector<Object*>& garbage) noexcept {
  for (Object* object : garbage) {
    heap.saved_garbage.push_back(Ref<Object>::from_this(object));
  }
}

// The garbage arrives held and with its weak handles cleared (take_verdicts).
void destroy_garbage(Heap& heap, const std::vector<Object*>& garbage) noexcept {
  // Every garbage object stays held while its handles are cleared, so none
  // is destroyed half-way; what the clearing frees outside the garbage waits
  // until the clearing is done.
  heap.destroying = true;
  ClearHandles clear;
  PrefetchTargets prefetch;
  for (std::size_t i = 0; i < garbage.size(); ++i) {
    if (i + kAhead < garbage.size()) garbage[i + kAhead]->trace(prefetch);
    garbage[i]->trace(clear);
  }
  run_destructions(heap);
  // Then the holds go one at a time and each destructor runs at once, while
  // the rest of the garbage is still held: a destructor that stores a handle
  // to another garbage object (resurrection) keeps it alive.
  for (Object* object : garbage) {
    if (--ObjectAccess::count(*object) == 0) release_last(object);
  }
}

// Resurrected (or saved) objects survive, resurrected ones with their
// handles cleared. reserve_work left room for them.
void keep_resurrected(Heap& heap, std::uint32_t survivors_list) noexcept {
  std::vector<Object*>& doomed = heap.lists[kCollectingList];
  while (!doomed.empty()) move_to(heap, *doomed.back(), survivors_list);
}

std::size_t collect_generations(Heap& heap, int oldest) {
#if TENURE_CHECKS
  validate_heap(heap, oldest);
#endif
  Collection c(heap, oldest);
  reserve_work(c);

  heap.collecting = true;
  copy_counts(heap, oldest);
  try {
    subtract_internal(heap, oldest);
    mark_reachable(heap, oldest, c.stack);
  } catch (...) {
    // A trace() threw before anything was decided: nothing has moved, and
    // the heap stays usable.
    restore_slots(heap, oldest);
    heap.collecting = false;
    throw;  // ~Collection empties the work lists
  }
  take_verdicts(heap, oldest, c.garbage, !c.save_all);
  promote_survivors(c);

  if (c.save_all) {
    save_garbage(heap, c.garbage);
  } else {
    destroy_garbage(heap, c.garbage);
  }
  // What is left in the collecting list now (resurrected or saved) was not
  // freed.
  gc::GenerationStats& stats = heap.stats[oldest];
  ++stats.collections;
  stats.collected += c.garbage.size();
  stats.uncollectable += heap.lists[kCollectingList].size();
  keep_resurrected(heap, c.survivors_list);

  if (oldest == kGenerations - 1) {
    heap.long_lived_pending = 0;
    heap.long_lived_total = heap.lists[kGenerations - 1].size();
  }
  heap.collecting = false;
  // The end of a full collection empties the per-type free lists.
  if (oldest == kGenerations - 1) clear_free_lists();
#if TENURE_CHECKS
  validate_heap(heap, oldest + 1 < kGenerations ? oldest + 1 : oldest);
#endif
  return c.garbage.size();
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
    throw std::out_of_range(
        "tenure::gc::collect: generation must be 0, 1 or 2");
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

void set_debug(unsigned flags) noexcept {
  detail::current_heap().debug = flags;
}
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
  return std::erase_if(heap.callbacks, [id](const auto& entry) {
           return entry.first == id;
         }) > 0;
}

}  // namespace gc
}  // namespace tenure
