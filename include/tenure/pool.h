// tenure::pool: the pooled small-object allocator behind tenure::make.
#pragma once

#include <array>
#include <cstddef>
#include <cstdio>
#include <string>

namespace tenure::pool {

// Requests of up to kMaxSize bytes are served from size classes in steps of
// kGranule bytes; larger ones go to ::operator new. Every block is aligned to
// kGranule.
inline constexpr std::size_t kGranule = 16;
inline constexpr std::size_t kMaxSize = 512;
inline constexpr std::size_t kClasses = kMaxSize / kGranule;

// The size class that serves `size` bytes (0 and 1..16 share class 0).
constexpr std::size_t size_class(std::size_t size) noexcept {
  return size == 0 ? 0 : (size - 1) / kGranule;
}

// A block of at least `size` bytes (size 0 gets a distinct 16-byte block, as
// ::operator new(0) does). Throws std::bad_alloc when the system has no
// memory left; the pool stays usable.
void* allocate(std::size_t size);

// Gives back a block from allocate(size), on any thread. The size must be
// the one it was allocated with (sized deallocation: the pool keeps no size
// per block). Checked builds abort, naming the size class, on a double free,
// a pointer the pool did not hand out and a size of the wrong class.
void deallocate(void* block, std::size_t size) noexcept;

// Each thread keeps freed blocks per size class for its next allocations:
// up to 32 KiB (64 to 256 blocks) at first, doubling for a class whose list
// overflows up to 128 KiB (256 to 1024 blocks), about 3.7 MiB per thread at
// most; the rest go back to their pools, an empty pool to its arena, and an
// empty arena (beyond one spare) to the system. trim() gives back the
// calling thread's kept blocks too (and resets those bounds), collects what
// other threads freed into its pools, and returns what that empties. A
// thread that exits does the same.
void trim() noexcept;

// Checks the allocator's invariants (the pool states and lists described in
// runtime/pool.cpp): every pool of the calling thread and every abandoned
// pool is on the list its state names, carries its class, is an assigned
// pool of its arena and counts its blocks right (in use + free + never
// handed out = capacity); every block on a free or front list belongs there.
// Aborts with "tenure: fatal: pool: ..." on the first broken one. Linear in
// pools and free blocks; checked builds (TENURE_CHECKS) run it at the end of
// trim() and when a thread exits, and check each pool as it changes state.
void validate_pool() noexcept;

struct ClassStats {
  std::size_t block_size = 0;
  std::size_t pools = 0;
  // Blocks kept by a thread for reuse, and blocks freed by another thread
  // that the owner has not collected yet, count as in use until trim().
  std::size_t blocks_in_use = 0;
  std::size_t blocks_free = 0;
};

// A process-wide snapshot, like CPython's sys._debugmallocstats().
struct Stats {
  std::array<ClassStats, kClasses> classes{};
  std::size_t arenas = 0;
  std::size_t pools = 0;           // carrying blocks of some size class
  std::size_t bytes_reserved = 0;  // mapped from the system for arenas
  std::size_t bytes_in_use = 0;    // blocks handed out, at their class size
};

Stats stats();

// The snapshot as a table, one line per size class that has pools.
std::string format_stats(const Stats& stats);
void print_stats(std::FILE* out = stderr);

}  // namespace tenure::pool
