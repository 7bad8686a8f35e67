// tenure::gc: the cycle collector's controls, in Python's gc vocabulary.
#pragma once

#include <array>
#include <cstddef>

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

}  // namespace tenure::gc
