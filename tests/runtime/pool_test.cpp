// The pooled allocator: size classes, statistics, returning memory, threads,
// the standard-container allocator and bad input.
#include "tenure/pool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <list>
#include <map>
#include <new>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tenure/pool_allocator.h"
#include "tenure/tenure.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_TEST_ASAN 1
#endif
#endif

namespace tenure {
namespace {

std::size_t in_use(std::size_t size) {
  return pool::stats().classes[pool::size_class(size)].blocks_in_use;
}

TEST(PoolTest, EverySizeGetsAnAlignedBlockOfItsOwn) {
  std::vector<std::pair<unsigned char*, std::size_t>> blocks;
  for (std::size_t size = 0; size <= pool::kMaxSize; ++size) {
    for (int copy = 0; copy < 3; ++copy) {
      auto* p = static_cast<unsigned char*>(pool::allocate(size));
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % pool::kGranule, 0u);
      std::memset(p, static_cast<int>(size & 0xFF), size);
      blocks.emplace_back(p, size);
    }
  }
  // No block overlaps another: each still holds its own pattern.
  for (auto [p, size] : blocks) {
    for (std::size_t i = 0; i < size; ++i) {
      ASSERT_EQ(p[i], static_cast<unsigned char>(size & 0xFF)) << size;
    }
  }
  for (auto [p, size] : blocks) pool::deallocate(p, size);
}

TEST(PoolTest, SizeZeroGetsADistinctBlock) {
  void* a = pool::allocate(0);
  void* b = pool::allocate(0);
  EXPECT_NE(a, nullptr);
  EXPECT_NE(a, b);
  pool::deallocate(a, 0);
  pool::deallocate(b, 0);
  pool::deallocate(nullptr, 0);  // like operator delete: nothing to do
}

TEST(PoolTest, SizeClassesAreSixteenByteSteps) {
  EXPECT_EQ(pool::size_class(0), 0u);
  EXPECT_EQ(pool::size_class(1), 0u);
  EXPECT_EQ(pool::size_class(16), 0u);
  EXPECT_EQ(pool::size_class(17), 1u);
  EXPECT_EQ(pool::size_class(512), pool::kClasses - 1);
}

TEST(PoolTest, StatsCountBlocksPerClass) {
  pool::trim();  // blocks earlier tests left for reuse no longer count
  std::size_t before = in_use(48);
  std::vector<void*> blocks;
  for (int i = 0; i < 100; ++i) blocks.push_back(pool::allocate(40));
  pool::Stats stats = pool::stats();
  const pool::ClassStats& c = stats.classes[pool::size_class(48)];
  EXPECT_EQ(c.block_size, 48u);
  EXPECT_EQ(c.blocks_in_use, before + 100);
  EXPECT_GE(c.pools, 1u);
  EXPECT_GE(stats.arenas, 1u);
  EXPECT_GE(stats.bytes_reserved, stats.bytes_in_use);
  EXPECT_GE(stats.bytes_in_use, 100u * 48);
  std::string table = pool::format_stats(stats);
  EXPECT_NE(table.find("48 B"), std::string::npos) << table;
  EXPECT_NE(table.find("arenas:"), std::string::npos) << table;
  for (void* p : blocks) pool::deallocate(p, 40);
  pool::trim();  // the thread kept the freed blocks for reuse until now
  EXPECT_EQ(in_use(48), before);
}

TEST(PoolTest, FreedBlocksAreReusedFirst) {
  void* p = pool::allocate(100);
  pool::deallocate(p, 100);
  void* q = pool::allocate(112);  // the same class
  EXPECT_EQ(q, p);
  pool::deallocate(q, 112);
}

// A thread that frees more blocks of a class than its front list holds
// (64 of 512 bytes at first) gets a longer list, up to 256 of them, so that
// its next allocations pop them again instead of going back to the pools.
TEST(PoolTest, AFrontListThatOverflowsGrows) {
  std::thread([] {
    pool::trim();
    std::size_t before = in_use(512);
    std::vector<void*> blocks;
    for (int i = 0; i < 300; ++i) blocks.push_back(pool::allocate(512));
    for (void* p : blocks) pool::deallocate(p, 512);
    std::size_t kept = in_use(512) - before;  // on the thread's front list
    EXPECT_GT(kept, 64u);
    EXPECT_LE(kept, 256u);
    std::set<void*> freed(blocks.begin(), blocks.end());
    std::vector<void*> again;
    for (std::size_t i = 0; i < kept; ++i) again.push_back(pool::allocate(500));
    for (void* p : again) EXPECT_TRUE(freed.count(p)) << p;
    for (void* p : again) pool::deallocate(p, 500);
    pool::trim();
    EXPECT_EQ(in_use(512), before);
  }).join();
}

// An overflowing front list goes back to the pools a run of same-pool blocks
// at a time. Runs end where the pool changes, where the flush has given back
// enough, and where a block belongs to another thread's pool (a remote run):
// here the front list holds, interleaved, blocks of this thread's pools
// (several, freed partly out of order) and of a finished thread's, and every
// pool's count must still add up.
TEST(PoolTest, FrontListFlushesHandBlocksBackPoolByPool) {
  constexpr std::size_t kSize = 48;
  std::vector<void*> theirs;
  std::thread([&] {
    for (int i = 0; i < 3000; ++i) theirs.push_back(pool::allocate(kSize));
  }).join();
  std::thread([&] {
    pool::trim();
    std::size_t before = in_use(kSize);  // theirs included
    std::vector<void*> mine;
    // A 64 KiB pool holds about 1300 such blocks: these fill five.
    for (int i = 0; i < 6000; ++i) mine.push_back(pool::allocate(kSize));
    std::vector<void*> order;
    for (std::size_t i = 0; i < mine.size(); ++i) {
      order.push_back(mine[i]);
      if (i % 2 == 0 && i / 2 < theirs.size()) order.push_back(theirs[i / 2]);
    }
    std::mt19937 random(11);
    for (std::size_t i = 0; i + 7 < order.size(); i += 97) {
      std::shuffle(order.begin() + i, order.begin() + i + 7, random);
    }
    for (void* p : order) pool::deallocate(p, kSize);
    pool::validate_pool();
    EXPECT_LE(in_use(kSize), before + mine.size());
    // Everything back: this thread's blocks from its front list, the
    // finished thread's from its pools' remote lists.
    pool::trim();
    pool::validate_pool();
    EXPECT_EQ(in_use(kSize) + theirs.size(), before);
  }).join();
}

TEST(PoolTest, LargerRequestsBypassThePool) {
  std::size_t reserved = pool::stats().bytes_in_use;
  void* p = pool::allocate(pool::kMaxSize + 1);
  std::memset(p, 1, pool::kMaxSize + 1);
  EXPECT_EQ(pool::stats().bytes_in_use, reserved);
  pool::deallocate(p, pool::kMaxSize + 1);
}

TEST(PoolTest, EmptyArenasGoBackToTheSystemKeepingOneSpare) {
  pool::trim();
  std::size_t arenas_before = pool::stats().arenas;
  // 48 MiB of 64-byte blocks: a dozen arenas, less the room that arenas
  // already mapped still have.
  std::vector<void*> blocks(48 << 14);
  for (void*& p : blocks) p = pool::allocate(64);
  EXPECT_GE(pool::stats().arenas, arenas_before + 8);
  std::shuffle(blocks.begin(), blocks.end(), std::mt19937(7));
  for (void* p : blocks) pool::deallocate(p, 64);
  pool::trim();
  EXPECT_LE(pool::stats().arenas, arenas_before + 1);
}

TEST(PoolTest, MakeAllocatesFromThePool) {
  struct Payload : Object {
    char bytes[100];
  };
  std::size_t before = in_use(sizeof(Payload));
  Ref<Payload> p = make<Payload>();
  EXPECT_EQ(in_use(sizeof(Payload)), before + 1);
  p.reset();
#if !TENURE_CHECKS
  // (Checked builds hold the most recent freed object blocks back.)
  pool::trim();
  EXPECT_EQ(in_use(sizeof(Payload)), before);
#endif
}

TEST(PoolTest, BlocksFreedOnAnotherThreadAreReused) {
  std::size_t before = in_use(96);
  std::vector<void*> blocks;
  for (int i = 0; i < 5000; ++i) blocks.push_back(pool::allocate(96));
  std::thread([&] {
    for (void* p : blocks) pool::deallocate(p, 96);
  }).join();
  // Remote frees count as in use until the owner collects them, which it
  // does when its pools run short, or on trim().
  pool::trim();
  EXPECT_EQ(in_use(96), before);
  std::vector<void*> again;
  for (int i = 0; i < 5000; ++i) again.push_back(pool::allocate(96));
  for (void* p : again) {
    EXPECT_NE(std::find(blocks.begin(), blocks.end(), p), blocks.end());
  }
  for (void* p : again) pool::deallocate(p, 96);
}

TEST(PoolTest, BlocksOutliveTheThreadThatAllocatedThem) {
  std::vector<void*> blocks;
  std::thread([&] {
    for (int i = 0; i < 3000; ++i) {
      void* p = pool::allocate(160);
      std::memset(p, 0x5A, 160);
      blocks.push_back(p);
    }
  }).join();
  // The thread's pools now have no owner; freeing into them still works and
  // a new thread adopts them.
  for (std::size_t i = 0; i < blocks.size(); i += 2) {
    pool::deallocate(blocks[i], 160);
  }
  std::thread([] {
    std::vector<void*> mine;
    for (int i = 0; i < 3000; ++i) mine.push_back(pool::allocate(160));
    for (void* p : mine) pool::deallocate(p, 160);
  }).join();
  for (std::size_t i = 1; i < blocks.size(); i += 2) {
    EXPECT_EQ(static_cast<unsigned char*>(blocks[i])[159], 0x5A);
    pool::deallocate(blocks[i], 160);
  }
}

TEST(PoolTest, SharedObjectsDroppedOnAnotherThread) {
  struct Counted : SharedObject {
    explicit Counted(std::atomic<int>& live) : live(live) { ++live; }
    ~Counted() override { --live; }
    std::atomic<int>& live;
  };
  std::atomic<int> live{0};
  std::vector<Ref<Counted>> made;
  for (int i = 0; i < 1000; ++i) made.push_back(make<Counted>(live));
  std::thread([moved = std::move(made)]() mutable { moved.clear(); }).join();
  EXPECT_EQ(live.load(), 0);
  for (int i = 0; i < 1000; ++i) made.push_back(make<Counted>(live));
  made.clear();
  EXPECT_EQ(live.load(), 0);
}

TEST(PoolTest, PoolAllocatorServesStandardContainers) {
  pool::trim();
  std::size_t before = pool::stats().bytes_in_use;
  {
    std::list<int, PoolAllocator<int>> list;
    std::map<int, std::string, std::less<>,
             PoolAllocator<std::pair<const int, std::string>>>
        map;
    for (int i = 0; i < 1000; ++i) {
      list.push_back(i);
      map.emplace(i, std::to_string(i));
    }
    EXPECT_GE(pool::stats().bytes_in_use, before + 2000 * 24);
    EXPECT_EQ(map.at(777), "777");
    EXPECT_EQ(list.back(), 999);
    // A vector's buffer outgrows the classes and moves to operator new.
    std::vector<int, PoolAllocator<int>> vector(10'000, 3);
    EXPECT_EQ(vector[9'999], 3);
  }
  pool::trim();
  EXPECT_EQ(pool::stats().bytes_in_use, before);
  EXPECT_TRUE(PoolAllocator<int>() == PoolAllocator<double>());
}

#if !defined(POOL_TEST_ASAN)
// Sanitizers reserve terabytes of address space; an address-space limit
// cannot be applied under them.
TEST(PoolDeathTest, OutOfMemoryThrowsBadAllocAndThePoolStaysUsable) {
  EXPECT_EXIT(
      {
        pool::trim();
        std::size_t in_use_before = pool::stats().bytes_in_use;
        std::vector<void*> blocks;
        blocks.reserve(1 << 22);
        rlimit limit{};
        getrlimit(RLIMIT_AS, &limit);
        rlimit tight = limit;
        tight.rlim_cur = 256u << 20;  // far below the 1 GiB asked for below
        setrlimit(RLIMIT_AS, &tight);
        bool threw = false;
        try {
          for (int i = 0; i < (1 << 22); ++i) {
            blocks.push_back(pool::allocate(256));
          }
        } catch (const std::bad_alloc&) {
          threw = true;
        }
        for (void* p : blocks) pool::deallocate(p, 256);
        pool::trim();
        setrlimit(RLIMIT_AS, &limit);
        void* p = pool::allocate(256);
        pool::deallocate(p, 256);
        pool::trim();
        std::exit(threw && pool::stats().bytes_in_use == in_use_before ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}
#endif

#if TENURE_CHECKS
TEST(PoolDeathTest, DoubleFreeNamesTheSizeClass) {
  EXPECT_DEATH(
      {
        void* p = pool::allocate(70);
        pool::deallocate(p, 70);
        pool::deallocate(p, 70);
      },
      "tenure: fatal: pool: double free of 0x[0-9a-f]+ in size class 80 "
      "bytes");
}

TEST(PoolDeathTest, DoubleFreeOnAnotherThread) {
  EXPECT_DEATH(
      {
        void* p = pool::allocate(32);
        pool::deallocate(p, 32);
        std::thread([p] { pool::deallocate(p, 32); }).join();
      },
      "double free of 0x[0-9a-f]+ in size class 32 bytes");
}

TEST(PoolDeathTest, PointerNotFromThePool) {
  EXPECT_DEATH(
      {
        static char not_ours[64];
        pool::deallocate(not_ours, 64);
      },
      "pointer was not handed out by the pool \\(size class 64 bytes\\)");
  EXPECT_DEATH(
      {
        auto* p = static_cast<char*>(pool::allocate(64));
        pool::deallocate(p + 16, 64);  // inside a block, not its start
      },
      "pointer was not handed out by the pool");
}

TEST(PoolDeathTest, WrongSizeClass) {
  EXPECT_DEATH(
      {
        void* p = pool::allocate(64);
        pool::deallocate(p, 200);
      },
      "block of the 64-byte class freed with a size of the 208-byte class");
}
#endif  // TENURE_CHECKS

#if defined(POOL_TEST_ASAN)
TEST(PoolDeathTest, AsanReportsUseAfterFree) {
  EXPECT_DEATH(
      {
        auto* p = static_cast<volatile char*>(pool::allocate(48));
        pool::deallocate(const_cast<char*>(p), 48);
        p[20] = 1;
      },
      "AddressSanitizer: use-after-poison");
}
#endif

}  // namespace
}  // namespace tenure
