// The generational cycle collector, after CPython's gc module.
//
// For the generations being collected: count the references that come
// from inside that set (found through trace); objects whose refcount is
// above that are held from outside, and so is everything they reach. The rest
// is cyclic garbage: its weak handles are cleared, then its strong handles
// (trace in clearing mode), and destructors run as counts reach zero.
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

// While a collection decides, each object in the set being collected has a
// working count in heap.work_counts, found through the place its slot names
// (list and index): first the references found inside the set, then its
// verdict. Its header is only read, never written, until the verdicts are
// in: on a large heap every written header line costs a second trip to
// memory when it is evicted, and a live heap has nothing to write. Objects
// outside the set (older generations, frozen, not tracked) have no working
// count of their own, so their references are never subtracted: that is
// what makes a young collection sound. Edges to them all lead to one cell
// past the set's (so that no edge needs a test for "none"), which the mark
// finds reachable.
class WorkingCounts {
 public:
  WorkingCounts(Heap& heap, int oldest)
      : oldest_(static_cast<std::uint32_t>(oldest)) {
    std::uint32_t* next = heap.work_counts.data();
    for (int gen = 0; gen <= oldest; ++gen) {
      segment_[gen] = next;
      next += heap.lists[gen].size();
    }
    outside_ = next;
  }
  // The working count of the object with this slot, or the outside cell.
  std::uint32_t* find(std::uint32_t slot) const {
    std::uint32_t list = list_of(slot);
    // The untracked and dying sentinels carry list 7, beyond every
    // generation.
    if (list > oldest_) return outside_;
    return segment_[list] + (slot & kIndexMask);
  }
  std::uint32_t* segment(int gen) const { return segment_[gen]; }
  std::uint32_t* outside() const { return outside_; }

 private:
  std::uint32_t oldest_;
  std::uint32_t* outside_;
  std::array<std::uint32_t*, kGenerations> segment_{};
};

// Verdicts, beyond any count of references.
constexpr std::uint32_t kReachable = 0xFFFFFFFFu;  // held from outside
// Passed by mark_reachable's scan with no reference from outside (yet).
constexpr std::uint32_t kUnreached = 0xFFFFFFFEu;

// The traversal is memory-bound: on a large graph nearly every edge leads to
// a header that is not in any cache, and from there to a working count that
// is not either. So the tracers do not touch the target of an edge when
// trace() reports it: they request its header from memory and queue it;
// kHeaderDepth edges later (when the line has most likely arrived) they
// read its slot and request its working count; kCountDepth edges after that
// they handle it. A few dozen misses are then in flight at once instead of
// one. Boehm's collector prefetches from its mark stack for the same reason.
// Edges to objects next to the one being traced (a chain or ring made in
// order, most trees' nearest links) find their lines in the cache already,
// and are handled at once.
// Depths measured on live 10^6-object graphs (driver, best of 3, load 8):
// 16/8 gave random 64.6 ns per object, tree 16.4; 32/8 47.3 and 15.9;
// 32/16 42.9 and 15.6; 64/16 45.4 and 15.4.
constexpr std::size_t kHeaderDepth = 32;
constexpr std::size_t kCountDepth = 16;
// "Next to": within this many bytes of the traced object's address.
constexpr std::uintptr_t kNear = 256;
// How far the sequential passes over a generation list request headers
// ahead of the one they work on.
constexpr std::size_t kAhead = 8;

void prefetch_header(const Object* object) {
  __builtin_prefetch(&ObjectAccess::slot(*const_cast<Object*>(object)), 0, 3);
}

// Calls `handle(target, working count)` for each edge pushed, after the
// target's header and then its working count were requested (see above).
// The edges in flight wait in one ring, each in the place of the step that
// pushed it: the step kHeaderDepth later requests its count, and the step
// kCountDepth after that handles it, so that a step costs a few loads and
// stores in the ring and no queue bookkeeping.
template <class Handle>
class EdgePipeline {
  static constexpr std::size_t kInFlight = kHeaderDepth + kCountDepth;
  static constexpr std::size_t kRing = 64;
  static_assert(kRing >= kInFlight && (kRing & (kRing - 1)) == 0,
                "room for every edge in flight, and a power of two");

 public:
  EdgePipeline(const WorkingCounts& counts, Handle handle)
      : counts_(counts), handle_(handle) {}

  // The object whose edges come next.
  void set_origin(const Object& object) {
    origin_ = reinterpret_cast<std::uintptr_t>(&object);
  }
  void push(Object& target) {
    if (reinterpret_cast<std::uintptr_t>(&target) - origin_ + kNear <
        2 * kNear) {
      handle_(target, *counts_.find(ObjectAccess::slot(target)));
      return;
    }
    prefetch_header(&target);
    idle_ = 0;
    step(&target);
  }
  // Moves the edges in flight on by one step, as a push does, without a new
  // one. Once kInFlight steps have passed without a push (in a chain made in
  // order every edge leads next door) the ring is empty and there is nothing
  // to move.
  void advance() {
    if (idle_ == kInFlight) return;
    ++idle_;
    step(nullptr);
  }
  // Handles everything still in flight.
  void drain() {
    while (idle_ != kInFlight) advance();
  }

 private:
  void step(Object* target) {
    std::size_t now = next_++;
    // The header requested kHeaderDepth steps ago has most likely arrived.
    std::size_t arrived = (now - kHeaderDepth) % kRing;
    std::uint32_t* count = nullptr;
    if (Object* object = targets_[arrived]) {
      count = counts_.find(ObjectAccess::slot(*object));
      __builtin_prefetch(count, 1, 3);
    }
    counts_ring_[arrived] = count;
    // And the count requested kCountDepth steps before that.
    std::size_t due = (now - kInFlight) % kRing;
    if (std::uint32_t* ready = counts_ring_[due]) {
      handle_(*targets_[due], *ready);
    }
    targets_[now % kRing] = target;
  }

  // A copy: one load less per edge than through a reference.
  const WorkingCounts counts_;
  Handle handle_;
  std::uintptr_t origin_ = 0;
  std::size_t next_ = 0;
  // Steps since the last push; kInFlight: the ring is empty.
  std::size_t idle_ = kInFlight;
  std::array<Object*, kRing> targets_{};
  std::array<std::uint32_t*, kRing> counts_ring_{};
};

// Counts one reference found inside the set to its target (and the outside
// cell counts the others, to be reset afterwards).
struct Subtract {
  [[maybe_unused]] const WorkingCounts* counts;
  void operator()([[maybe_unused]] Object& target, std::uint32_t& count) const {
    ++count;
#if TENURE_CHECKS
    if (&count != counts->outside() && count > ObjectAccess::count(target)) {
      fail(typeid(target),
           "trace() reported more references to this object "
           "than its count (a trace visits a handle it does "
           "not own, or visits one twice)");
    }
#endif
    // Otherwise an over-reported object keeps a count above its refcount,
    // and mark_reachable keeps it as held from outside: safe.
  }
};

// Counts the references found inside the set.
class SubtractInternal final : public Tracer {
 public:
  explicit SubtractInternal(const WorkingCounts& counts)
      : Tracer(/*clearing=*/false), edges_(counts, Subtract{&counts}) {}
  void trace(Object& object) {
    edges_.set_origin(object);
    object.trace(*this);
  }
  void finish() { edges_.drain(); }

 private:
  void visit(Object& target, const char*) override { edges_.push(target); }

  EdgePipeline<Subtract> edges_;
};

// Marks an object in the set as reachable and puts it on the stack of
// objects whose trace() is still to be followed.
//
// The mark goes through the set in list order, as CPython's
// move_unreachable does: an object reached by an edge from one the scan has
// traced is only marked when the scan has not passed it yet (the scan
// traces it when it gets there, so that in the common case tracing runs in
// list order, which is allocation order), and followed from a stack when
// the scan has passed it already.
struct Reach {
  Object*** top;           // of the stack
  std::size_t* unreached;  // objects the scan passed and left kUnreached
  void operator()(Object& target, std::uint32_t& count) const {
    // No test before the store: on a random graph whether the target was
    // reached already is a coin toss, a mispredicted branch every other
    // edge, and the line is in the cache.
    std::uint32_t state = count;
    count = kReachable;
    if (state == kUnreached) {
      *(*top)++ = &target;
      --*unreached;
    }
  }
};

// Marks what the externally held objects reach inside the set.
class MarkReachable final : public Tracer {
 public:
  // `stack` has room for every object of the set.
  MarkReachable(const WorkingCounts& counts, Object** stack)
      : Tracer(/*clearing=*/false),
        bottom_(stack),
        top_(stack),
        edges_(counts, Reach{&top_, &unreached_}) {}

  // Counts an object the scan passes without tracing it.
  void passed_unreached() { ++unreached_; }
  // The objects left unreached: the garbage, once finish() is done.
  std::size_t unreached() const { return unreached_; }

  void trace(Object& object) {
    edges_.set_origin(object);
    object.trace(*this);
  }
  // Keeps the queues moving while the scan passes objects it does not
  // trace: the edge that reaches the object in front of the scan may be
  // waiting in them. (Without this a scan that meets unreached objects
  // leaves the queues as they are, and everything those edges reach is
  // found only after the scan has passed it, to be followed again from the
  // stack.)
  void advance() {
    edges_.advance();
    edges_.advance();
    follow_stack();
  }
  // Follows the edges of everything on the stack, and of everything they
  // reach behind the scan.
  void follow_stack() {
    while (top_ != bottom_) trace(**--top_);
  }
  // After the scan: until both the queues and the stack are empty.
  void finish() {
    follow_stack();
    while (true) {
      edges_.drain();
      if (top_ == bottom_) return;
      follow_stack();
    }
  }

 private:
  void visit(Object& target, const char*) override { edges_.push(target); }

  Object** const bottom_;
  Object** top_;
  std::size_t unreached_ = 0;
  EdgePipeline<Reach> edges_;
};

// Resets the strong handles of garbage, breaking its cycles.
class ClearHandles final : public Tracer {
 public:
  ClearHandles() : Tracer(/*clearing=*/true) {}

 private:
  void visit(Object&, const char*) override {}
};

// Room for `extra` more elements, growing geometrically: an exact reserve
// at every collection would copy a growing generation each time, which is
// quadratic while a structure grows.
template <class T>
void reserve_more(std::vector<T>& v, std::size_t extra) {
  std::size_t needed = v.size() + extra;
  if (needed > v.capacity()) v.reserve(std::max(needed, 2 * v.capacity()));
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
//   subtract_internal      [update_refs, subtract_refs] count the references
//                          from inside the set (working count := 0 + each)
//   mark_reachable         [move_unreachable] refcount above that: held from
//                          outside; so is everything it reaches
//   take_verdicts          the rest is garbage: into the collecting list,
//                          held, its weak handles cleared [handle_weakrefs];
//                          survivors close up, or move up a generation
//   save_garbage or destroy_garbage  [delete_garbage]
//   keep_resurrected       what a destructor stored somewhere live survives
// Until take_verdicts no slot, list or header changes (so an exception from
// a trace() leaves the heap as it was).
struct Collection {
  Heap& heap;
  int oldest;
  // Where survivors go: the next generation, or the oldest for itself.
  std::uint32_t survivors_list;
  bool save_all;
  Object** stack;  // mark_reachable's, see Heap::work_stack
  // The garbage, in heap.lists[kCollectingList] until it is destroyed.
  std::vector<Object*>& garbage;

  Collection(Heap& h, int o)
      : heap(h),
        oldest(o),
        survivors_list(o + 1 < kGenerations ? o + 1 : o),
        save_all((h.debug & gc::kSaveAll) != 0),
        stack(nullptr),
        garbage(h.lists[kCollectingList]) {}
  // The work lists give their memory back once the heap has shrunk well
  // below them.
  ~Collection() {
    std::size_t size = heap.size();
    if (heap.work_stack_room > 4 * size + 4096) {
      heap.work_stack.reset();
      heap.work_stack_room = 0;
      std::vector<Object*>().swap(garbage);  // empty by now
      std::vector<std::uint32_t>().swap(heap.work_counts);
    }
  }
};

// Throws std::bad_alloc with nothing changed.
void reserve_work(Collection& c) {
  Heap& heap = c.heap;
  std::size_t total = 0;
  for (int gen = 0; gen <= c.oldest; ++gen) total += heap.lists[gen].size();
  // Survivors of the survivors' own list stay where they are.
  std::size_t moving = total;
  if (c.survivors_list <= static_cast<std::uint32_t>(c.oldest)) {
    moving -= heap.lists[c.survivors_list].size();
  }
  if (heap.work_stack_room < total) {
    std::size_t room = std::max(total, 2 * heap.work_stack_room);
    heap.work_stack = std::make_unique_for_overwrite<Object*[]>(room);
    heap.work_stack_room = room;
  }
  c.stack = heap.work_stack.get();
  c.garbage.reserve(total);
  reserve_more(heap.lists[c.survivors_list], moving);
  if (c.save_all) reserve_more(heap.saved_garbage, total);
  heap.work_counts.assign(total + 1, 0);  // and the outside cell
}

// May throw from a trace().
[[gnu::noinline]] void subtract_internal(Heap& heap, int oldest,
                                         const WorkingCounts& counts) {
  SubtractInternal subtract(counts);
  for (int gen = 0; gen <= oldest; ++gen) {
    // Read once: the lists do not change until the verdicts, and the
    // compiler cannot know that trace() leaves them alone.
    Object* const* objects = heap.lists[gen].data();
    const std::size_t size = heap.lists[gen].size();
    for (std::size_t i = 0; i < size; ++i) {
      if (i + kAhead < size) prefetch_header(objects[i + kAhead]);
      subtract.trace(*objects[i]);
    }
  }
  subtract.finish();
  *counts.outside() = kReachable;
}

// Leaves kReachable as the working count of every object held from outside
// the set or reachable from one, kUnreached as the others', and returns how
// many others there are. May throw from a trace().
[[gnu::noinline]] std::size_t mark_reachable(Heap& heap, int oldest,
                                             const WorkingCounts& counts,
                                             Object** stack) {
  MarkReachable mark(counts, stack);
  for (int gen = 0; gen <= oldest; ++gen) {
    Object* const* objects = heap.lists[gen].data();  // as subtract_internal
    const std::size_t size = heap.lists[gen].size();
    std::uint32_t* state = counts.segment(gen);
    for (std::size_t i = 0; i < size; ++i) {
      if (i + kAhead < size) prefetch_header(objects[i + kAhead]);
      Object* object = objects[i];
      // Neither reached by an edge before the scan got here, nor held from
      // outside: every reference to it was found inside the set. (A count
      // above the refcount, an over-reporting trace, also keeps it.)
      if (state[i] != kReachable && state[i] == ObjectAccess::count(*object)) {
        mark.advance();
        if (state[i] != kReachable) {
          state[i] = kUnreached;
          mark.passed_unreached();
          continue;
        }
      }
      state[i] = kReachable;
      mark.trace(*object);
      mark.follow_stack();
    }
  }
  mark.finish();
  return mark.unreached();
}

// One pass per generation reads the verdicts: garbage goes to the
// collecting list (still tracked and owned) to wait for its destruction;
// survivors close up in their order where they are (the oldest
// generation's, in a full collection) or move up a generation, and every
// slot names its place again. Unless the garbage is to be saved, each
// garbage object is also held (so that none is destroyed half-way through
// destroy_garbage) and its weak handles are cleared, in the same pass.
// Only the headers of garbage and of survivors that move are touched, and
// when there is no garbage, a list whose survivors stay is not read at all.
[[gnu::noinline]] void take_verdicts(Collection& c, const WorkingCounts& counts,
                                     std::size_t garbage) noexcept {
  Heap& heap = c.heap;
  bool hold = !c.save_all;
  std::vector<Object*>& doomed = c.garbage;
  std::vector<Object*>& promoted = heap.lists[c.survivors_list];
  // A young collection's survivors go straight to the next generation,
  // which it does not read; in a full collection the younger generations'
  // survivors wait until the oldest's have closed up, and then follow them.
  bool direct = c.survivors_list > static_cast<std::uint32_t>(c.oldest);
  auto promote = [&](Object* object) {
    ObjectAccess::slot(*object) = make_slot(
        c.survivors_list, static_cast<std::uint32_t>(promoted.size()));
    promoted.push_back(object);
  };
  // The younger generations' survivors, in the stack's room.
  Object** moving = c.stack;
  std::size_t moved = 0;
  for (int gen = 0; gen <= c.oldest; ++gen) {
    std::vector<Object*>& objects = heap.lists[gen];
    const std::uint32_t* state = counts.segment(gen);
    bool stays = static_cast<std::uint32_t>(gen) == c.survivors_list;
    if (stays && garbage == 0) continue;
    std::uint32_t kept = 0;
    // Read once: the pushes below could alias the list's size for the
    // compiler, though they go to other lists.
    const auto size = static_cast<std::uint32_t>(objects.size());
    for (std::uint32_t i = 0; i < size; ++i) {
      if (i + kAhead < size &&
          (state[i + kAhead] != kReachable || !stays || kept != i)) {
        prefetch_header(objects[i + kAhead]);
      }
      Object* object = objects[i];
      if (state[i] == kReachable) {
        if (!stays) {
          if (direct) {
            promote(object);
          } else {
            moving[moved] = object;
          }
          ++moved;
        } else {
          // Its slot names place i already (the heap was valid when the
          // collection started): a survivor that keeps its place costs no
          // header access at all.
          if (kept != i) {
            objects[kept] = object;
            ObjectAccess::slot(*object) =
                make_slot(static_cast<std::uint32_t>(gen), kept);
          }
          ++kept;
        }
        continue;
      }
      ObjectAccess::slot(*object) =
          make_slot(kCollectingList, static_cast<std::uint32_t>(doomed.size()));
      doomed.push_back(object);
      if (hold) {
        ++ObjectAccess::count(*object);
        detach_weak(*object);
      }
    }
    objects.resize(kept);
  }
  if (!direct) std::for_each(moving, moving + moved, promote);

  // The generations' counts start over.
  heap.count[0] = 0;
  for (int gen = 1; gen <= c.oldest; ++gen) heap.count[gen] = 0;
  if (c.oldest + 1 < kGenerations) ++heap.count[c.oldest + 1];
  if (c.oldest == 1) heap.long_lived_pending += moved;
}

// gc::kSaveAll: each object gets a handle in garbage() and survives,
// uncleared, into the oldest generation collected.
void save_garbage(Heap& heap, const std::vector<Object*>& garbage) noexcept {
  for (Object* object : garbage) {
    heap.saved_garbage.push_back(Ref<Object>::from_this(object));
  }
}

// The garbage arrives held and with its weak handles cleared (take_verdicts),
// in the collecting list.
[[gnu::noinline]] void destroy_garbage(
    Heap& heap, const std::vector<Object*>& garbage) noexcept {
  // Every garbage object stays held while its handles are cleared, so none
  // is destroyed half-way; what the clearing frees outside the garbage waits
  // until the clearing is done.
  heap.destroying = true;
  ClearHandles clear;
  const std::size_t size = garbage.size();
  for (std::size_t i = 0; i < size; ++i) {
    if (i + kAhead < size) prefetch_header(garbage[i + kAhead]);
    garbage[i]->trace(clear);
  }
  run_destructions(heap);
  // Then the holds go one at a time and each destructor runs at once (with
  // what it releases in turn), while the rest of the garbage is still held:
  // a destructor that stores a handle to another garbage object
  // (resurrection) keeps it alive. Last first: each object then leaves the
  // end of the collecting list, which moves no other object, and the pool
  // hands the blocks out again in their first order. (Behind a resurrected
  // object it takes that object's place instead; the places before i, still
  // to be visited, never change, as no garbage object is forgotten before
  // its turn.)
  heap.destroying = true;
  for (std::size_t i = size; i-- > 0;) {
    if (i >= kAhead) prefetch_header(garbage[i - kAhead]);
    Object* object = garbage[i];
    if (--ObjectAccess::count(*object) != 0) continue;  // resurrected
    forget(heap, *object);
    ObjectAccess::destroy(object);
    if (heap.dying) {
      run_destructions(heap);  // turns `destroying` off when done
      heap.destroying = true;
    }
  }
  heap.destroying = false;
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
  WorkingCounts counts(heap, oldest);

  heap.collecting = true;
  heap.deciding = true;
  std::size_t garbage = 0;
  try {
    subtract_internal(heap, oldest, counts);
    garbage = mark_reachable(heap, oldest, counts, c.stack);
  } catch (...) {
    // A trace() threw before anything was decided: nothing has changed, and
    // the heap stays usable.
    heap.deciding = false;
    heap.collecting = false;
    throw;  // ~Collection empties the work lists
  }
  heap.deciding = false;
  take_verdicts(c, counts, garbage);
#if TENURE_CHECKS
  if (c.garbage.size() != garbage) {
    fail(typeid(Object), "collector: the mark and the verdicts disagree");
  }
#endif

  if (c.save_all) {
    save_garbage(heap, c.garbage);
  } else {
    destroy_garbage(heap, c.garbage);
  }
  // What is left in the collecting list now (resurrected or saved) was not
  // freed.
  gc::GenerationStats& stats = heap.stats[oldest];
  ++stats.collections;
  stats.collected += garbage;
  stats.uncollectable += c.garbage.size();
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
  return garbage;
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
