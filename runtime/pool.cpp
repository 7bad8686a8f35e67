// The pooled small-object allocator, in CPython's obmalloc shape (arenas cut
// into pools, pools cut into blocks of one size class) with mimalloc's answer
// to threads: every pool belongs to one thread, which allocates and frees
// there without atomics or locks; a block given back by another thread goes
// onto the pool's lock-free remote list, which the owner collects when it
// runs short. In front of the pools each thread keeps a short list of freed
// blocks per class (tcmalloc's thread cache), so the common allocate/free
// pair touches only the block and that list. The global lock is taken only
// per pool (64 KiB), never per block.
#include "tenure/pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string_view>

#include "absl/strings/str_format.h"
#include "tenure/detail/config.h"
#include "tenure/detail/sanitizer.h"

namespace tenure::pool {
namespace {

using detail::poison;
using detail::unpoison;

constexpr std::size_t kPoolSize = std::size_t{64} << 10;
constexpr std::size_t kArenaSize = std::size_t{4} << 20;
constexpr std::size_t kPoolsPerArena = kArenaSize / kPoolSize;
static_assert(kPoolsPerArena == 64, "an arena's pools are one 64-bit mask");
constexpr std::size_t kMaxBlocksPerPool = kPoolSize / kGranule;

struct FreeBlock {
  FreeBlock* next;
};
struct ThreadCache;
struct Arena;

// A pool's life. Pool memory is "unassigned" while its bit in the arena's
// used_mask is clear (blocks poisoned, header meaningless); otherwise it
// carries one size class and is in exactly one state, on exactly the list
// that state names:
//
//   state       list                        owner          who moves it
//   kAvailable  owner's available[cls]      a thread       the owner
//   kFull       owner's full[cls]           a thread       the owner
//   kAbandoned  global abandoned[cls]       none           under the lock
//
//   unassigned -> kAvailable  new_pool_locked: a thread short of the class
//                             (allocate_in) takes a free pool of an arena
//   kAvailable -> kFull       allocate_in: no free block, nothing to bump and
//                             no remote frees to collect
//   kFull -> kAvailable       free_local (the owner frees into it),
//                             allocate_in (a remote-free hint, then blocks
//                             found on its remote list), trim()
//   kAbandoned -> kAvailable  allocate_in adopts it for a thread short of the
//                             class, collecting its remote frees
//   kAvailable/kFull -> kAbandoned  retire_cache: its thread exits while
//                             blocks are still in use
//   any -> unassigned         release_pool_locked, once no block is in use:
//                             free_local (not the class's last available
//                             pool), retire_cache, trim()
//
// Counting, in every assigned state: used + blocks on `free` + blocks past
// `bump` == capacity. Blocks on the remote list and on any thread's front
// list count as used until they come back to `free`. An arena whose
// used_mask drops to 0 is unmapped unless it is the one spare kept.
// validate_pool() checks all of this for the calling thread's and the
// abandoned pools; checked builds check each pool as it changes state.
enum class PoolState : std::uint8_t { kAvailable, kFull, kAbandoned };

// The header at the start of every 64 KiB pool; blocks follow it. Fields
// without a comment belong to the owning thread (or to the global lock while
// the pool has no owner).
struct Pool {
  // What allocation and free touch comes first, on one cache line.
  FreeBlock* free = nullptr;
  char* bump = nullptr;  // blocks past here were never handed out
  char* end = nullptr;
  // Written by the owner only; atomic so that stats() may read it.
  std::atomic<std::uint32_t> used{0};
  // Set under the global lock when the pool is (re)assigned a class.
  std::uint32_t block_size = 0;
  std::uint32_t size_class = 0;
  PoolState state = PoolState::kAvailable;
  std::atomic<ThreadCache*> owner{nullptr};  // null once abandoned

  std::uint32_t capacity = 0;
  unsigned index = 0;  // in the arena
  Arena* arena = nullptr;
  Pool* prev = nullptr;
  Pool* next = nullptr;
  // Blocks freed by other threads; on its own cache line.
  alignas(64) std::atomic<FreeBlock*> remote{nullptr};
#if TENURE_CHECKS
  // One bit per block handed out: catches double frees from any thread.
  alignas(
      64) std::array<std::atomic<std::uint64_t>, kMaxBlocksPerPool / 64> live{};
#endif
};

constexpr std::size_t kHeaderSize = (sizeof(Pool) + 63) & ~std::size_t{63};

char* first_block(Pool* pool) {
  return reinterpret_cast<char*>(pool) + kHeaderSize;
}
Pool* pool_of(const void* block) {
  return reinterpret_cast<Pool*>(reinterpret_cast<std::uintptr_t>(block) &
                                 ~(kPoolSize - 1));
}

struct PoolList {
  Pool* head = nullptr;

  void push_front(Pool* pool) {
    pool->prev = nullptr;
    pool->next = head;
    if (head) head->prev = pool;
    head = pool;
  }
  void remove(Pool* pool) {
    if (pool->prev) pool->prev->next = pool->next;
    if (pool->next) pool->next->prev = pool->prev;
    if (head == pool) head = pool->next;
    pool->prev = pool->next = nullptr;
  }
};

// Freed blocks a thread keeps for its next allocations of the class, from
// whichever pool (and whichever thread's pool) they came: the fast path
// touches only the block and this list, not the pool header (tcmalloc's
// thread cache). Bounded; the overflow goes back to the pools.
// A front list starts bounded by about 32 KiB (64 to 256 blocks). A class
// whose list overflows (a thread that frees more blocks of it between
// allocations than the list holds) doubles its bound, up to about 128 KiB
// (256 to 1024 blocks), as tcmalloc's per-class lists grow: otherwise each
// overflow sends half the list back to the pools and the next allocations
// fetch blocks from pool headers again. trim() and thread exit reset it.
constexpr std::size_t kFrontBytes = std::size_t{32} << 10;
constexpr std::size_t kFrontMaxBytes = std::size_t{128} << 10;
constexpr std::uint32_t blocks_within(std::size_t bytes, std::size_t cls,
                                      std::size_t least, std::size_t most) {
  std::size_t blocks = bytes / ((cls + 1) * kGranule);
  return static_cast<std::uint32_t>(blocks < least  ? least
                                    : blocks > most ? most
                                                    : blocks);
}
constexpr std::uint32_t front_limit(std::size_t cls) {
  return blocks_within(kFrontBytes, cls, 64, 256);
}
constexpr std::uint32_t front_max(std::size_t cls) {
  return blocks_within(kFrontMaxBytes, cls, 256, 1024);
}

// The limit is kept beside the count, so that a free compares two words of
// one line instead of dividing to find it.
struct FrontList {
  FreeBlock* head = nullptr;
  std::uint32_t count = 0;
  std::uint32_t limit = 0;
};

// On cache lines of its own, as the fast paths touch front[] on every call.
// At whatever address the heap gave it, about one process in ten ran the
// allocation benchmark at half speed; aligned, none of 48 did
// (docs/benchmarks.md, 2026-12-02). Why is not established.
struct alignas(64) ThreadCache {
  ThreadCache() {
    for (std::size_t cls = 0; cls < kClasses; ++cls) {
      front[cls].limit = front_limit(cls);
    }
  }
  std::array<FrontList, kClasses> front;
  // Per size class: pools with room (the head is the one allocated from),
  // and pools that were full the last time the owner looked.
  std::array<PoolList, kClasses> available;
  std::array<PoolList, kClasses> full;
  // Bumped by threads that free into this cache's pools of a class, so the
  // owner knows when its full pools are worth a look. A hint only.
  std::array<std::atomic<std::uint32_t>, kClasses> remote_frees{};
  std::array<std::uint32_t, kClasses> remote_frees_seen{};
  ThreadCache* next_spare = nullptr;
};

struct Arena {
  char* base = nullptr;
  std::uint64_t used_mask = 0;  // one bit per pool carrying a size class
  Arena* next = nullptr;
};

// Everything shared between threads, under one lock. Never destroyed: blocks
// may be freed during static destruction, after any destructor would run.
struct Global {
  std::mutex mutex;
  Arena* arenas = nullptr;
  std::size_t empty_arenas = 0;
  std::array<PoolList, kClasses> abandoned;
  // Caches of exited threads, reused by new ones. Caches are never freed, so
  // a late hint from another thread always lands in valid memory.
  ThreadCache* spare_caches = nullptr;
  // Serves threads whose own cache is already gone (thread-exit and static
  // destructors that allocate), under the lock.
  ThreadCache orphan_cache;
};

Global& global() {
  static Global* const g = new Global;
  return *g;
}

[[noreturn]] void fatal(const std::string& what) noexcept {
  std::fprintf(stderr, "tenure: fatal: pool: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

#if TENURE_CHECKS

// Which 4 MiB address ranges are arenas, readable without the lock: checked
// builds use it to reject pointers the pool never handed out. Untouched
// parts of the table cost no memory.
constexpr std::size_t kAddressBits = 47;
std::array<std::atomic<std::uint64_t>,
           (std::size_t{1} << kAddressBits) / kArenaSize / 64>
    g_arena_map{};

void register_arena(const char* base, bool present) {
  std::size_t slot = reinterpret_cast<std::uintptr_t>(base) / kArenaSize;
  std::uint64_t bit = std::uint64_t{1} << (slot % 64);
  if (present) {
    g_arena_map[slot / 64].fetch_or(bit, std::memory_order_relaxed);
  } else {
    g_arena_map[slot / 64].fetch_and(~bit, std::memory_order_relaxed);
  }
}

bool in_some_arena(const void* block) {
  std::size_t slot = reinterpret_cast<std::uintptr_t>(block) / kArenaSize;
  if (slot / 64 >= g_arena_map.size()) return false;
  return g_arena_map[slot / 64].load(std::memory_order_relaxed) &
         (std::uint64_t{1} << (slot % 64));
}

std::size_t block_index(Pool* pool, const void* block) {
  return static_cast<std::size_t>(static_cast<const char*>(block) -
                                  first_block(pool)) /
         pool->block_size;
}

void mark_live(Pool* pool, const void* block) {
  std::size_t i = block_index(pool, block);
  pool->live[i / 64].fetch_or(std::uint64_t{1} << (i % 64),
                              std::memory_order_relaxed);
}

void check_free(const void* block, std::size_t size) {
  std::size_t cls = size_class(size);
  Pool* pool = pool_of(block);
  auto* p = static_cast<const char*>(block);
  if (!in_some_arena(block) || pool->block_size == 0 || p < first_block(pool) ||
      (p - first_block(pool)) % pool->block_size != 0) {
    fatal(absl::StrFormat(
        "deallocate(%p, %zu): pointer was not handed out by the pool "
        "(size class %zu bytes)",
        block, size, (cls + 1) * kGranule));
  }
  if (pool->size_class != cls) {
    fatal(absl::StrFormat(
        "deallocate(%p, %zu): block of the %u-byte class freed with a size "
        "of the %zu-byte class (sized deallocation needs the allocated size)",
        block, size, pool->block_size, (cls + 1) * kGranule));
  }
  std::size_t i = block_index(pool, block);
  std::uint64_t bit = std::uint64_t{1} << (i % 64);
  if (!(pool->live[i / 64].fetch_and(~bit, std::memory_order_relaxed) & bit)) {
    fatal(absl::StrFormat("double free of %p in size class %u bytes", block,
                          pool->block_size));
  }
}
#endif  // TENURE_CHECKS

// The next block of a free list, read through the poison of a free block.
FreeBlock* next_free(FreeBlock* block, std::size_t block_size) {
  unpoison(block, sizeof(FreeBlock));
  FreeBlock* next = block->next;
  poison(block, block_size);
  return next;
}

const char* state_name(PoolState state) {
  switch (state) {
    case PoolState::kAvailable:
      return "available";
    case PoolState::kFull:
      return "full";
    case PoolState::kAbandoned:
      return "abandoned";
  }
  return "corrupt";
}

// One pool against the block comment above PoolState: `state` and `owner`
// are what the list it was found on (or the transition just made) says.
void check_pool(const Pool* pool, const ThreadCache* owner, std::size_t cls,
                PoolState state) noexcept {
  auto where = [&] {
    return absl::StrFormat("pool %p (%zu-byte class, %s)", pool,
                           (cls + 1) * kGranule, state_name(state));
  };
  if (pool->state != state) {
    fatal(absl::StrFormat("pool %p (%zu-byte class) is %s but found as %s",
                          pool, (cls + 1) * kGranule, state_name(pool->state),
                          state_name(state)));
  }
  if (pool->size_class != cls || pool->block_size != (cls + 1) * kGranule) {
    fatal(absl::StrFormat("%s: carries block size %u", where(),
                          pool->block_size));
  }
  if (pool->owner.load(std::memory_order_relaxed) != owner) {
    fatal(absl::StrFormat("%s: owned by another thread cache", where()));
  }
  const Arena* arena = pool->arena;
  if (!arena ||
      arena->base + pool->index * kPoolSize !=
          reinterpret_cast<const char*>(pool) ||
      !(arena->used_mask & (std::uint64_t{1} << pool->index))) {
    fatal(absl::StrFormat("%s: not an assigned pool of its arena", where()));
  }
  char* first = first_block(const_cast<Pool*>(pool));
  if (pool->capacity != (kPoolSize - kHeaderSize) / pool->block_size ||
      pool->end != first + std::size_t{pool->capacity} * pool->block_size ||
      pool->bump < first || pool->bump > pool->end ||
      (pool->bump - first) % pool->block_size != 0) {
    fatal(absl::StrFormat("%s: bump or end outside its blocks", where()));
  }
  std::size_t free_blocks = 0;
  for (FreeBlock* block = pool->free; block;
       block = next_free(block, pool->block_size)) {
    auto* p = reinterpret_cast<char*>(block);
    if (p < first || p >= pool->bump || (p - first) % pool->block_size != 0) {
      fatal(absl::StrFormat("%s: free block %p is not one of its blocks",
                            where(), block));
    }
    if (++free_blocks > pool->capacity) {
      fatal(absl::StrFormat("%s: its free list loops", where()));
    }
#if TENURE_CHECKS
    std::size_t i = block_index(const_cast<Pool*>(pool), block);
    if (pool->live[i / 64].load(std::memory_order_relaxed) &
        (std::uint64_t{1} << (i % 64))) {
      fatal(absl::StrFormat("%s: block %p is both free and in use", where(),
                            block));
    }
#endif
  }
  std::size_t untouched =
      static_cast<std::size_t>(pool->end - pool->bump) / pool->block_size;
  std::size_t used = pool->used.load(std::memory_order_relaxed);
  if (used + free_blocks + untouched != pool->capacity) {
    fatal(absl::StrFormat(
        "%s: %zu blocks in use + %zu free + %zu untouched != capacity %u",
        where(), used, free_blocks, untouched, pool->capacity));
  }
}

#if TENURE_CHECKS
#define TENURE_CHECK_POOL(pool, owner, cls, state) \
  check_pool(pool, owner, cls, state)
#else
#define TENURE_CHECK_POOL(pool, owner, cls, state) ((void)0)
#endif

thread_local ThreadCache* t_cache = nullptr;
thread_local bool t_cache_gone = false;

// ---- Arenas and pools: under the global lock. ----

// Maps a 4 MiB arena aligned to its size, so a block's pool header is its
// address rounded down. Throws std::bad_alloc with nothing changed.
Arena* map_arena_locked(Global& g) {
  void* raw = mmap(nullptr, 2 * kArenaSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto start = reinterpret_cast<std::uintptr_t>(raw);
  std::uintptr_t aligned = (start + kArenaSize - 1) & ~(kArenaSize - 1);
  if (aligned > start) munmap(raw, aligned - start);
  std::uintptr_t tail = aligned + kArenaSize;
  munmap(reinterpret_cast<void*>(tail), start + 2 * kArenaSize - tail);
  Arena* arena;
  try {
    arena = new Arena;
  } catch (...) {
    munmap(reinterpret_cast<void*>(aligned), kArenaSize);
    throw;
  }
  arena->base = reinterpret_cast<char*>(aligned);
  arena->next = g.arenas;
  g.arenas = arena;
  ++g.empty_arenas;
  poison(arena->base, kArenaSize);
  detail::register_root_region(arena->base, kArenaSize);
#if TENURE_CHECKS
  register_arena(arena->base, true);
#endif
  return arena;
}

void unmap_arena_locked(Global& g, Arena* arena) {
  for (Arena** link = &g.arenas; *link; link = &(*link)->next) {
    if (*link == arena) {
      *link = arena->next;
      break;
    }
  }
#if TENURE_CHECKS
  register_arena(arena->base, false);
#endif
  // The next mapping at this address must not inherit our poison.
  unpoison(arena->base, kArenaSize);
  detail::unregister_root_region(arena->base, kArenaSize);
  munmap(arena->base, kArenaSize);
  delete arena;
}

Pool* new_pool_locked(Global& g, ThreadCache& cache, std::size_t cls) {
  Arena* arena = g.arenas;
  while (arena && arena->used_mask == ~std::uint64_t{0}) arena = arena->next;
  if (!arena) arena = map_arena_locked(g);
  if (arena->used_mask == 0) --g.empty_arenas;
  unsigned index = static_cast<unsigned>(std::countr_one(arena->used_mask));
  arena->used_mask |= std::uint64_t{1} << index;

  char* at = arena->base + index * kPoolSize;
  unpoison(at, kHeaderSize);
  Pool* pool = new (at) Pool;
  pool->block_size = static_cast<std::uint32_t>((cls + 1) * kGranule);
  pool->size_class = static_cast<std::uint32_t>(cls);
  pool->capacity =
      static_cast<std::uint32_t>((kPoolSize - kHeaderSize) / pool->block_size);
  pool->bump = first_block(pool);
  pool->end = pool->bump + std::size_t{pool->capacity} * pool->block_size;
  pool->arena = arena;
  pool->index = index;
  pool->owner.store(&cache, std::memory_order_relaxed);
  return pool;
}

// Gives an empty pool back to its arena; an arena left empty goes back to
// the system unless it is the one spare kept against oscillation.
void release_pool_locked(Global& g, Pool* pool) {
#if TENURE_CHECKS
  check_pool(pool, pool->owner.load(std::memory_order_relaxed),
             pool->size_class, pool->state);
  if (pool->used.load(std::memory_order_relaxed) != 0) {
    fatal(absl::StrFormat("pool %p released with blocks in use", pool));
  }
#endif
  Arena* arena = pool->arena;
  // The pool's pages stay resident until the whole arena is unmapped:
  // returning them one pool at a time would cost a system call and page
  // faults on every refill of an oscillating size class.
  poison(first_block(pool), kPoolSize - kHeaderSize);
  arena->used_mask &= ~(std::uint64_t{1} << pool->index);
  if (arena->used_mask != 0) return;
  if (g.empty_arenas >= 1) {
    unmap_arena_locked(g, arena);
  } else {
    ++g.empty_arenas;
  }
}

// ---- Owner-side block operations. ----

void* take(Pool* pool) {
  FreeBlock* block = pool->free;
  if (block) {
    unpoison(block, pool->block_size);
    pool->free = block->next;
  } else if (pool->bump != pool->end) {
    block = reinterpret_cast<FreeBlock*>(pool->bump);
    pool->bump += pool->block_size;
    unpoison(block, pool->block_size);
  } else {
    return nullptr;
  }
  pool->used.store(pool->used.load(std::memory_order_relaxed) + 1,
                   std::memory_order_relaxed);
#if TENURE_CHECKS
  mark_live(pool, block);
#endif
  return block;
}

// Moves the blocks other threads freed into the pool's own free list.
std::uint32_t collect_remote(Pool* pool) {
  FreeBlock* block = pool->remote.exchange(nullptr, std::memory_order_acquire);
  std::uint32_t n = 0;
  while (block) {
    unpoison(block, sizeof(FreeBlock));
    FreeBlock* next = block->next;
    block->next = pool->free;
    pool->free = block;
    poison(block, pool->block_size);
    block = next;
    ++n;
  }
  if (n) {
    pool->used.store(pool->used.load(std::memory_order_relaxed) - n,
                     std::memory_order_relaxed);
  }
  return n;
}

// Pushes the blocks first..last of one pool, linked in that order, onto the
// pool's remote list.
void remote_free(Pool* pool, FreeBlock* first, FreeBlock* last) {
  std::uint32_t block_size = pool->block_size;
  std::size_t cls = pool->size_class;
  ThreadCache* owner = pool->owner.load(std::memory_order_relaxed);
  FreeBlock* head = pool->remote.load(std::memory_order_relaxed);
  do {
    unpoison(last, sizeof(FreeBlock));
    last->next = head;
    poison(last, block_size);
  } while (!pool->remote.compare_exchange_weak(
      head, first, std::memory_order_release, std::memory_order_relaxed));
  // Caches live forever, so a stale owner only gets a useless hint.
  if (owner) owner->remote_frees[cls].fetch_add(1, std::memory_order_relaxed);
}

// The slow path: the current pool of the class is exhausted. `locked` says
// whether the caller already holds the global lock (the orphan cache).
void* allocate_in(ThreadCache& cache, std::size_t cls, bool locked) {
  Global& g = global();
  PoolList& available = cache.available[cls];
  PoolList& full = cache.full[cls];
  while (Pool* pool = available.head) {
    if (void* block = take(pool)) return block;
    if (collect_remote(pool) > 0) continue;
    available.remove(pool);
    pool->state = PoolState::kFull;
    full.push_front(pool);
    TENURE_CHECK_POOL(pool, &cache, cls, PoolState::kFull);
  }
  std::uint32_t hint = cache.remote_frees[cls].load(std::memory_order_relaxed);
  if (hint != cache.remote_frees_seen[cls]) {
    cache.remote_frees_seen[cls] = hint;
    for (Pool* pool = full.head; pool;) {
      Pool* next = pool->next;
      if (collect_remote(pool) > 0) {
        full.remove(pool);
        pool->state = PoolState::kAvailable;
        available.push_front(pool);
        TENURE_CHECK_POOL(pool, &cache, cls, PoolState::kAvailable);
      }
      pool = next;
    }
    if (available.head) return take(available.head);
  }

  std::unique_lock<std::mutex> lock(g.mutex, std::defer_lock);
  if (!locked) lock.lock();
  Pool* pool = g.abandoned[cls].head;
  if (pool) {
    g.abandoned[cls].remove(pool);
    pool->owner.store(&cache, std::memory_order_relaxed);
    collect_remote(pool);
  } else {
    pool = new_pool_locked(g, cache, cls);
  }
  pool->state = PoolState::kAvailable;
  available.push_front(pool);
  TENURE_CHECK_POOL(pool, &cache, cls, PoolState::kAvailable);
  void* block = take(pool);
  if (!block) {
    // An adopted pool still full: file it and try again from the top.
    available.remove(pool);
    pool->state = PoolState::kFull;
    full.push_front(pool);
    if (lock.owns_lock()) lock.unlock();
    return allocate_in(cache, cls, locked);
  }
  return block;
}

// Gives the `n` blocks first..last of one of the thread's own pools, linked
// in that order, back to the pool.
void free_local(ThreadCache& cache, Pool* pool, FreeBlock* first,
                FreeBlock* last, std::uint32_t n) {
  unpoison(last, sizeof(FreeBlock));
  last->next = pool->free;
  pool->free = first;
  poison(last, pool->block_size);
  std::uint32_t used = pool->used.load(std::memory_order_relaxed) - n;
  pool->used.store(used, std::memory_order_relaxed);
  PoolList& available = cache.available[pool->size_class];
  if (pool->state == PoolState::kFull) {
    cache.full[pool->size_class].remove(pool);
    pool->state = PoolState::kAvailable;
    available.push_front(pool);
    TENURE_CHECK_POOL(pool, &cache, pool->size_class, PoolState::kAvailable);
  }
  // Keep one pool per class however empty, so that a workload allocating
  // and freeing one block does not take the lock each time.
  if (used == 0 && (available.head != pool || pool->next)) {
    available.remove(pool);
    Global& g = global();
    std::lock_guard<std::mutex> lock(g.mutex);
    release_pool_locked(g, pool);
  }
}

// Hands a thread's pools over when it exits: empty ones go back to their
// arenas, the others wait, ownerless, for another thread to adopt them.
void retire_cache(ThreadCache* cache) {
  Global& g = global();
  std::lock_guard<std::mutex> lock(g.mutex);
  for (std::size_t cls = 0; cls < kClasses; ++cls) {
    for (PoolList* list : {&cache->available[cls], &cache->full[cls]}) {
      while (Pool* pool = list->head) {
        list->remove(pool);
        collect_remote(pool);
        if (pool->used.load(std::memory_order_relaxed) == 0) {
          release_pool_locked(g, pool);
        } else {
          pool->owner.store(nullptr, std::memory_order_relaxed);
          pool->state = PoolState::kAbandoned;
          g.abandoned[cls].push_front(pool);
          TENURE_CHECK_POOL(pool, nullptr, cls, PoolState::kAbandoned);
        }
      }
    }
  }
  cache->next_spare = g.spare_caches;
  g.spare_caches = cache;
}

// Gives `n` blocks of the front list back to their pools: the thread's own
// directly, other threads' through their remote lists. Blocks freed one
// after another mostly come from one pool (a structure torn down in the
// order it was built), so each run of front-list blocks from one pool goes
// back in one step, already linked: the pool's header is visited once per
// run, not once per block.
void flush_front(ThreadCache& cache, std::size_t cls, std::uint32_t n) {
  FrontList& front = cache.front[cls];
  const std::size_t block_size = (cls + 1) * kGranule;
  while (n > 0 && front.head) {
    FreeBlock* first = front.head;
    Pool* pool = pool_of(first);
    FreeBlock* last = first;
    std::uint32_t run = 1;
    FreeBlock* rest = next_free(last, block_size);
    while (run < n && rest && pool_of(rest) == pool) {
      last = rest;
      ++run;
      rest = next_free(last, block_size);
    }
    front.head = rest;
    front.count -= run;
    n -= run;
    if (pool->owner.load(std::memory_order_relaxed) == &cache) {
      free_local(cache, pool, first, last, run);
    } else {
      remote_free(pool, first, last);
    }
  }
}

void flush_fronts(ThreadCache& cache) {
  for (std::size_t cls = 0; cls < kClasses; ++cls) {
    flush_front(cache, cls, cache.front[cls].count);
    cache.front[cls].limit = front_limit(cls);
  }
}

struct CacheOwner {
  ~CacheOwner() {
    if (!t_cache) return;
    flush_fronts(*t_cache);
#if TENURE_CHECKS
    validate_pool();
#endif
    ThreadCache* cache = t_cache;
    t_cache = nullptr;
    t_cache_gone = true;
    retire_cache(cache);
  }
};
thread_local CacheOwner t_cache_owner;

ThreadCache* make_cache() {
  Global& g = global();
  {
    std::lock_guard<std::mutex> lock(g.mutex);
    if (ThreadCache* cache = g.spare_caches) {
      g.spare_caches = cache->next_spare;
      cache->next_spare = nullptr;
      t_cache = cache;
    }
  }
  if (!t_cache) t_cache = new ThreadCache;
  (void)&t_cache_owner;  // registers the thread-exit hook
  return t_cache;
}

void* allocate_slow(std::size_t cls) {
  if (ThreadCache* cache = t_cache) return allocate_in(*cache, cls, false);
  if (!t_cache_gone) return allocate_in(*make_cache(), cls, false);
  Global& g = global();
  std::lock_guard<std::mutex> lock(g.mutex);
  return allocate_in(g.orphan_cache, cls, true);
}

#if TENURE_ASAN
// TENURE_POOL=malloc in an ASan build sends every request to operator new,
// so that LeakSanitizer reports leaked objects one by one (it cannot see
// into the pool's arenas). Read once; the choice holds for the process.
bool bypass() {
  static const bool bypass = [] {
    const char* value = std::getenv("TENURE_POOL");
    return value && std::string_view(value) == "malloc";
  }();
  return bypass;
}
#define TENURE_POOL_BYPASS() bypass()
#else
#define TENURE_POOL_BYPASS() false
#endif

// The fast paths below are one pop or one push on the calling thread's
// front list of the class: no pool header, no division, and no call. What
// they leave (size 0 or above kMaxSize, the sanitizer bypass, a thread
// without or past its cache, an empty or full front list) goes to these,
// kept out of line so that the fast paths need no saved registers.
[[gnu::noinline]] void* allocate_rest(std::size_t size) {
  if (size > kMaxSize || TENURE_POOL_BYPASS()) return ::operator new(size);
  std::size_t cls = size_class(size);
  if (ThreadCache* cache = t_cache) {
    if (Pool* pool = cache->available[cls].head) {
      if (void* block = take(pool)) return block;
    }
  }
  return allocate_slow(cls);
}

// `block` is not null and its size is pooled (0 included); checked builds
// have checked it.
[[gnu::noinline]] void deallocate_rest(void* block, std::size_t size) noexcept {
  ThreadCache* cache = t_cache;
  if (!cache) {
    auto* freed = static_cast<FreeBlock*>(block);
    remote_free(pool_of(block), freed, freed);
    return;
  }
  std::size_t cls = size_class(size);
  FrontList& front = cache->front[cls];
  if (front.count == front.limit) {
    if (front.limit < front_max(cls)) {
      front.limit = std::min(2 * front.limit, front_max(cls));
    } else {
      flush_front(*cache, cls, front.count / 2);
    }
  }
  auto* freed = static_cast<FreeBlock*>(block);
  freed->next = front.head;
  front.head = freed;
  ++front.count;
  poison(block, (cls + 1) * kGranule);
}

}  // namespace

void* allocate(std::size_t size) {
  // One unsigned compare keeps 1..kMaxSize: size 0 wraps around.
  if (size - 1 < kMaxSize && !TENURE_POOL_BYPASS()) {
    std::size_t cls = (size - 1) / kGranule;
    if (ThreadCache* cache = t_cache) {
      FrontList& front = cache->front[cls];
      if (FreeBlock* block = front.head) {
        unpoison(block, (cls + 1) * kGranule);
        front.head = block->next;
        --front.count;
#if TENURE_CHECKS
        mark_live(pool_of(block), block);
#endif
        return block;
      }
    }
  }
  return allocate_rest(size);
}

void deallocate(void* block, std::size_t size) noexcept {
  if (size - 1 < kMaxSize && block && !TENURE_POOL_BYPASS()) {
#if TENURE_CHECKS
    check_free(block, size);
#endif
    std::size_t cls = (size - 1) / kGranule;
    if (ThreadCache* cache = t_cache) {
      FrontList& front = cache->front[cls];
      if (front.count != front.limit) {
        auto* freed = static_cast<FreeBlock*>(block);
        freed->next = front.head;
        front.head = freed;
        ++front.count;
        poison(block, (cls + 1) * kGranule);
        return;
      }
    }
    deallocate_rest(block, size);
    return;
  }
  if (!block) return;
  if (size > kMaxSize || TENURE_POOL_BYPASS()) {
    ::operator delete(block, size);
    return;
  }
#if TENURE_CHECKS
  check_free(block, size);  // size 0, a block of the first class
#endif
  deallocate_rest(block, size);
}

void validate_pool() noexcept {
  Global& g = global();
  std::lock_guard<std::mutex> lock(g.mutex);
  auto walk = [](const PoolList& list, const ThreadCache* owner,
                 std::size_t cls, PoolState state) {
    const Pool* prev = nullptr;
    for (const Pool* pool = list.head; pool; pool = pool->next) {
      if (pool->prev != prev) {
        fatal(absl::StrFormat("pool %p: its list's back link is broken", pool));
      }
      check_pool(pool, owner, cls, state);
      prev = pool;
    }
  };
  if (const ThreadCache* cache = t_cache) {
    for (std::size_t cls = 0; cls < kClasses; ++cls) {
      walk(cache->available[cls], cache, cls, PoolState::kAvailable);
      walk(cache->full[cls], cache, cls, PoolState::kFull);
      const FrontList& front = cache->front[cls];
      std::uint32_t blocks = 0;
      for (FreeBlock* block = front.head; block;
           block = next_free(block, (cls + 1) * kGranule)) {
        if (pool_of(block)->size_class != cls || ++blocks > front.limit) {
          fatal(absl::StrFormat(
              "front list of the %zu-byte class: block %p does not belong "
              "there",
              (cls + 1) * kGranule, block));
        }
      }
      if (blocks != front.count) {
        fatal(absl::StrFormat(
            "front list of the %zu-byte class holds %u blocks, counts %u",
            (cls + 1) * kGranule, blocks, front.count));
      }
    }
  }
  for (std::size_t cls = 0; cls < kClasses; ++cls) {
    walk(g.abandoned[cls], nullptr, cls, PoolState::kAbandoned);
  }
}

void trim() noexcept {
  Global& g = global();
  ThreadCache* cache = t_cache;
  if (cache) flush_fronts(*cache);
  std::unique_lock<std::mutex> lock(g.mutex);
  for (std::size_t cls = 0; cls < kClasses; ++cls) {
    if (cache) {
      for (PoolList* list : {&cache->available[cls], &cache->full[cls]}) {
        for (Pool* pool = list->head; pool;) {
          Pool* next = pool->next;
          collect_remote(pool);
          if (pool->used.load(std::memory_order_relaxed) == 0) {
            list->remove(pool);
            release_pool_locked(g, pool);
          } else if (list == &cache->full[cls] && pool->free) {
            list->remove(pool);
            pool->state = PoolState::kAvailable;
            cache->available[cls].push_front(pool);
            TENURE_CHECK_POOL(pool, cache, cls, PoolState::kAvailable);
          }
          pool = next;
        }
      }
    }
    for (Pool* pool = g.abandoned[cls].head; pool;) {
      Pool* next = pool->next;
      collect_remote(pool);
      if (pool->used.load(std::memory_order_relaxed) == 0) {
        g.abandoned[cls].remove(pool);
        release_pool_locked(g, pool);
      }
      pool = next;
    }
  }
#if TENURE_CHECKS
  lock.unlock();
  validate_pool();
#endif
}

Stats stats() {
  Stats out;
  for (std::size_t cls = 0; cls < kClasses; ++cls) {
    out.classes[cls].block_size = (cls + 1) * kGranule;
  }
  Global& g = global();
  std::lock_guard<std::mutex> lock(g.mutex);
  for (Arena* arena = g.arenas; arena; arena = arena->next) {
    ++out.arenas;
    out.bytes_reserved += kArenaSize;
    for (std::uint64_t mask = arena->used_mask; mask; mask &= mask - 1) {
      auto* pool = reinterpret_cast<Pool*>(arena->base +
                                           std::countr_zero(mask) * kPoolSize);
      ClassStats& c = out.classes[pool->size_class];
      std::size_t used = pool->used.load(std::memory_order_relaxed);
      ++out.pools;
      ++c.pools;
      c.blocks_in_use += used;
      c.blocks_free += pool->capacity - used;
      out.bytes_in_use += used * pool->block_size;
    }
  }
  return out;
}

std::string format_stats(const Stats& stats) {
  std::string out = absl::StrFormat("%10s %8s %14s %12s\n", "class", "pools",
                                    "blocks in use", "blocks free");
  for (const ClassStats& c : stats.classes) {
    if (c.pools == 0) continue;
    absl::StrAppendFormat(&out, "%8zu B %8zu %14zu %12zu\n", c.block_size,
                          c.pools, c.blocks_in_use, c.blocks_free);
  }
  absl::StrAppendFormat(&out,
                        "arenas: %zu (%zu KiB reserved), pools: %zu, "
                        "in use: %zu KiB\n",
                        stats.arenas, stats.bytes_reserved >> 10, stats.pools,
                        stats.bytes_in_use >> 10);
  return out;
}

void print_stats(std::FILE* out) {
  std::fputs(format_stats(stats()).c_str(), out);
}

}  // namespace tenure::pool
