// tenure::gc: the cycle collector's controls, in Python's gc vocabulary.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "tenure/ref.h"

namespace tenure::gc {

// Every function acts on the calling thread's heap: collectable objects
// belong to the thread that made them.

// Collects generations 0..generation (0, 1 or 2; std::out_of_range
// otherwise) and returns the number of unreachable objects found. Returns 0
// without collecting when called from a destructor or from trace, where a
// collection would not be safe.
std::size_t collect(int generation = 2);

// Automatic collections, triggered by allocations, are on by default.
void enable() noexcept;
void disable() noexcept;
bool is_enabled() noexcept;

// {allocations minus deallocations since the last generation-0 collection,
//  generation-0 collections since the last generation-1 collection,
//  generation-1 collections since the last generation-2 collection}.
std::array<std::size_t, 3> get_count() noexcept;

// Defaults 700, 10, 10. A threshold0 of 0 turns automatic collection off.
std::array<std::size_t, 3> get_threshold() noexcept;
void set_threshold(std::size_t threshold0) noexcept;
void set_threshold(std::size_t threshold0, std::size_t threshold1) noexcept;
void set_threshold(std::size_t threshold0, std::size_t threshold1,
                   std::size_t threshold2) noexcept;

// Collectable objects alive on this thread's heap (Python's
// len(gc.get_objects())).
std::size_t tracked_count() noexcept;

// Moves every tracked object into a permanent generation that collections
// ignore (Python's gc.freeze): for a long-lived start-up heap that would
// otherwise be scanned by every full collection. unfreeze() moves them back
// into the oldest generation. Both are refused (return, with an error on
// stderr) while a collection runs.
void freeze();
void unfreeze();
std::size_t get_freeze_count() noexcept;

// Debug flags (Python's gc.set_debug). kSaveAll keeps cyclic garbage alive in
// garbage() instead of freeing it, for inspection.
inline constexpr unsigned kSaveAll = 1u << 0;
void set_debug(unsigned flags) noexcept;
unsigned get_debug() noexcept;
// What collections found while kSaveAll was set, in the order found. Each
// handle keeps its object alive; clear the vector to let it go.
std::vector<Ref<Object>>& garbage();

// Callbacks around every collection, automatic or not (Python's
// gc.callbacks). `collected` and `duration` are meaningful in the stop
// phase. A callback must not start a collection (it is refused).
enum class Phase { kStart, kStop };
struct CollectionInfo {
  int generation = 0;         // the oldest generation collected
  std::size_t collected = 0;  // unreachable objects found
  std::chrono::nanoseconds duration{0};
};
using Callback = std::function<void(Phase, const CollectionInfo&)>;
// Returns an id for remove_callback.
std::uint64_t add_callback(Callback callback);
// False when no callback has that id.
bool remove_callback(std::uint64_t id);

// ---- Introspection (Python's gc.get_referents, get_referrers, get_objects,
// is_tracked, get_stats). Each returned handle keeps its object alive while
// you hold it. Not to be called from trace(): during a collection's decision
// phase they throw std::logic_error.

// The collectable objects `object`'s trace() reports, once per handle, in
// trace order. `object` may be any object of this thread (made by make, or
// a member or local that derives from Object); one of another thread's heap
// is refused with std::invalid_argument (its trace would race).
std::vector<Ref<Object>> get_referents(const Object& object);

// The objects of this thread's heap whose trace() reports a handle to
// `object`, each once. A scan of the whole heap (frozen objects included),
// as in CPython: linear in the number of tracked objects, for debugging.
// Handles held from outside the heap (locals, globals, gc::garbage()) are not
// objects and do not appear; an object of another thread has no referrers here.
std::vector<Ref<Object>> get_referrers(const Object& object);

// The objects tracked in `generation` (0, 1 or 2), or with -1 every tracked
// object of this thread's heap: the three generations, the frozen ones
// (gc::freeze) and garbage whose destruction is under way. Other values:
// std::out_of_range.
std::vector<Ref<Object>> get_objects(int generation = -1);

// True when `object` is on this thread's heap: made by make<T>() on this
// thread and not destroyed (frozen and saved-garbage objects included).
// False for another thread's objects and for members or locals.
bool is_tracked(const Object& object) noexcept;

// Per generation, counted at each collection of which it was the oldest
// generation collected (CPython's gc.get_stats): collections run, unreachable
// objects found (what collect() returned), and of those the ones that were
// not freed: kept in garbage() by kSaveAll, or resurrected by a destructor.
struct GenerationStats {
  std::size_t collections = 0;
  std::size_t collected = 0;
  std::size_t uncollectable = 0;
};
std::array<GenerationStats, 3> get_stats() noexcept;

}  // namespace tenure::gc
