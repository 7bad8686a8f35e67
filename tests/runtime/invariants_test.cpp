// validate_heap() and validate_pool(): the invariants hold through ordinary
// work, and checked builds catch a corrupted heap or pool at the next
// collection or trim() instead of freeing live objects.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "runtime/heap.h"
#include "tenure/pool.h"
#include "test_types.h"

namespace tenure::test {
namespace {

using detail::ObjectAccess;

TEST(InvariantsTest, HeapHoldsThroughCollectionsOfEveryGeneration) {
  std::vector<Ref<Node>> kept;
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 100; ++i) {
      Ref<Node> a = make<Node>(i), b = make<Node>(i);
      a->next = b;
      b->next = a;  // garbage once both go out of scope
      if (i % 3 == 0) kept.push_back(std::move(a));
      Ref<Node> lone = make<Node>();
      if (i % 7 == 0) b->prev = lone;  // a weak control to validate
    }
    gc::collect(round % 3);
    detail::validate_heap(detail::current_heap());
    if (round % 5 == 0)
      kept.erase(kept.begin(), kept.begin() + kept.size() / 2);
  }
  gc::freeze();
  detail::validate_heap(detail::current_heap());
  gc::unfreeze();
  kept.clear();
  gc::collect();
  detail::validate_heap(detail::current_heap());
}

TEST(InvariantsTest, PoolHoldsThroughShuffledFreesThreadsAndTrim) {
  std::mt19937 random(5);
  std::vector<std::pair<void*, std::size_t>> blocks;
  for (int i = 0; i < 20000; ++i) {
    std::size_t size = 1 + random() % pool::kMaxSize;
    blocks.emplace_back(pool::allocate(size), size);
  }
  std::shuffle(blocks.begin(), blocks.end(), random);
  // Half freed here, a quarter by a thread that exits (remote frees), and a
  // thread that leaves its own blocks behind (abandoned pools).
  std::size_t half = blocks.size() / 2;
  for (std::size_t i = 0; i < half; ++i) {
    pool::deallocate(blocks[i].first, blocks[i].second);
  }
  std::vector<std::pair<void*, std::size_t>> left_behind;
  std::thread([&] {
    for (std::size_t i = half; i < half + half / 2; ++i) {
      pool::deallocate(blocks[i].first, blocks[i].second);
    }
    for (int i = 0; i < 3000; ++i) {
      left_behind.emplace_back(pool::allocate(48), 48);
    }
    pool::validate_pool();
  }).join();
  pool::validate_pool();
  pool::trim();
  pool::validate_pool();
  for (std::size_t i = half + half / 2; i < blocks.size(); ++i) {
    pool::deallocate(blocks[i].first, blocks[i].second);
  }
  for (auto [block, size] : left_behind) pool::deallocate(block, size);
  pool::trim();
  pool::validate_pool();
}

#if TENURE_CHECKS

using InvariantsDeathTest = ::testing::Test;

TEST_F(InvariantsDeathTest, CollectionRefusesAHeapWhoseSlotsAreSwapped) {
  EXPECT_DEATH(
      {
        Ref<Node> a = make<Node>();
        Ref<Node> b = make<Node>();
        std::swap(ObjectAccess::slot(*a), ObjectAccess::slot(*b));
        gc::collect(0);
      },
      "tenure: fatal: heap: list 0, index [0-9]+: the object's slot names "
      "another place");
}

TEST_F(InvariantsDeathTest, CollectionRefusesATrackedObjectWithoutCount) {
  // Without the check the collector would find this object unreferenced and
  // free it under the handle that still holds it.
  EXPECT_DEATH(
      {
        Ref<Node> a = make<Node>();
        ObjectAccess::count(*a) = 0;
        gc::collect();
      },
      "tenure: fatal: heap: list 0, index [0-9]+: tracked object with a "
      "count of 0");
}

#if !defined(__SANITIZE_ADDRESS__)  // the stale write is ASan's to report
TEST_F(InvariantsDeathTest, TrimCatchesAStaleWriteIntoAFreedBlock) {
  EXPECT_DEATH(
      {
        void* freed = pool::allocate(32);
        pool::deallocate(freed, 32);  // on the 32-byte front list
        void* other = pool::allocate(100);
        *static_cast<void**>(freed) = other;  // a write after free
        pool::trim();
      },
      "tenure: fatal: pool: front list of the 32-byte class: block 0x[0-9a-f]+ "
      "does not belong there");
}
#endif

#endif  // TENURE_CHECKS

}  // namespace
}  // namespace tenure::test
