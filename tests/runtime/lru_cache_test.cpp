// LruCache: bounded, least recently used out first, counted.
#include "tenure/lru_cache.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "test_types.h"

namespace tenure::test {
namespace {

TEST(LruCacheTest, EvictsTheLeastRecentlyUsed) {
  LruCache<std::string, int> cache(2);
  cache.put("a", 1);
  cache.put("b", 2);
  ASSERT_NE(cache.get("a"), nullptr);  // "a" is now the most recent
  cache.put("c", 3);                   // evicts "b"
  EXPECT_EQ(cache.get("b"), nullptr);
  EXPECT_EQ(*cache.get("a"), 1);
  EXPECT_EQ(*cache.get("c"), 3);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.capacity(), 2u);
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST(LruCacheTest, PutReplacesAndRefreshes) {
  LruCache<int, std::string> cache(2);
  cache.put(1, "one");
  cache.put(2, "two");
  cache.put(1, "uno");  // replaces, and 1 becomes the most recent
  cache.put(3, "three");
  EXPECT_FALSE(cache.contains(2));
  EXPECT_EQ(*cache.get(1), "uno");
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST(LruCacheTest, Erase) {
  LruCache<int, int> cache(3);
  cache.put(1, 10);
  EXPECT_TRUE(cache.erase(1));
  EXPECT_FALSE(cache.erase(1));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.get(1), nullptr);
}

TEST(LruCacheTest, EvictionReleasesHandles) {
  LiveCounter::live = 0;
  LruCache<int, Ref<Node>> cache(10);
  for (int i = 0; i < 100; ++i) cache.put(i, make<Node>(i));
  EXPECT_EQ(LiveCounter::live, 10);
  EXPECT_EQ(cache.evictions(), 90u);
  EXPECT_EQ((*cache.get(95))->value, 95);
  cache.clear();
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST(LruCacheTest, CapacityZeroIsAClearError) {
  try {
    LruCache<int, int> cache(0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "tenure::LruCache: capacity must be at least 1");
  }
}

}  // namespace
}  // namespace tenure::test
