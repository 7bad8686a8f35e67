// freeze, save-all, callbacks, refusals and the long-lived-pending rule.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "tenure/gc.h"
#include "test_types.h"

namespace tenure::test {
namespace {

class GcControlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gc::collect();
    LiveCounter::live = 0;
    saved_threshold_ = gc::get_threshold();
  }
  void TearDown() override {
    auto [t0, t1, t2] = saved_threshold_;
    gc::set_threshold(t0, t1, t2);
    gc::set_debug(0);
    gc::garbage().clear();
    gc::unfreeze();
    gc::enable();
    gc::collect();
    EXPECT_EQ(LiveCounter::live, 0);
  }

 private:
  std::array<std::size_t, 3> saved_threshold_{};
};

void make_cycle() {
  Ref<Node> a = make<Node>(1);
  a->next = make<Node>(2);
  a->next->next = a;
}

TEST_F(GcControlsTest, FrozenObjectsAreIgnoredUntilUnfrozen) {
  make_cycle();
  EXPECT_EQ(gc::tracked_count(), 2u);
  gc::freeze();
  EXPECT_EQ(gc::get_freeze_count(), 2u);
  EXPECT_EQ(gc::collect(), 0u);  // frozen garbage is not looked at
  EXPECT_EQ(LiveCounter::live, 2);
  make_cycle();  // new objects are collected as usual
  EXPECT_EQ(gc::collect(), 2u);
  gc::unfreeze();
  EXPECT_EQ(gc::get_freeze_count(), 0u);
  EXPECT_EQ(gc::collect(), 2u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(GcControlsTest, FrozenObjectsKeepWhatTheyHoldAlive) {
  Ref<Node> root = make<Node>();
  root->kids.push_back(make<Node>());
  Node* kid = root->kids[0].get();
  gc::freeze();
  Ref<Node> young = make<Node>();
  young->next = young;
  kid->next = young;  // a frozen object holds a young cycle from outside
  young.reset();
  EXPECT_EQ(gc::collect(), 0u);
  EXPECT_EQ(LiveCounter::live, 3);
  kid->next.reset();
  EXPECT_EQ(gc::collect(), 1u);
}

TEST_F(GcControlsTest, SaveAllKeepsGarbageForInspection) {
  gc::set_debug(gc::kSaveAll);
  EXPECT_EQ(gc::get_debug(), gc::kSaveAll);
  make_cycle();
  EXPECT_EQ(gc::collect(), 2u);
  ASSERT_EQ(gc::garbage().size(), 2u);
  EXPECT_EQ(LiveCounter::live, 2);
  // Saved garbage is intact: its handles were not cleared.
  auto* first = dynamic_cast<Node*>(gc::garbage()[0].get());
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->next);
  EXPECT_EQ(first->next->next.get(), first);
  // Held by garbage(), it is not found again.
  EXPECT_EQ(gc::collect(), 0u);
  gc::set_debug(0);
  gc::garbage().clear();
  EXPECT_EQ(gc::collect(), 2u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(GcControlsTest, CallbacksSeeStartAndStopOfEveryCollection) {
  std::vector<std::pair<gc::Phase, gc::CollectionInfo>> seen;
  std::uint64_t id =
      gc::add_callback([&](gc::Phase phase, const gc::CollectionInfo& info) {
        seen.emplace_back(phase, info);
      });
  make_cycle();
  EXPECT_EQ(gc::collect(1), 2u);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, gc::Phase::kStart);
  EXPECT_EQ(seen[0].second.generation, 1);
  EXPECT_EQ(seen[1].first, gc::Phase::kStop);
  EXPECT_EQ(seen[1].second.generation, 1);
  EXPECT_EQ(seen[1].second.collected, 2u);
  EXPECT_GT(seen[1].second.duration.count(), 0);

  // Automatic collections call them too.
  seen.clear();
  gc::set_threshold(5);
  std::vector<Ref<Node>> kept;
  for (int i = 0; i < 6; ++i) kept.push_back(make<Node>());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].second.generation, 0);

  EXPECT_TRUE(gc::remove_callback(id));
  EXPECT_FALSE(gc::remove_callback(id));
  gc::collect();
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(GcControlsTest, CollectionFromACallbackIsRefused) {
  std::size_t inner = 99;
  std::uint64_t id = gc::add_callback(
      [&](gc::Phase, const gc::CollectionInfo&) { inner = gc::collect(); });
  make_cycle();
  testing::internal::CaptureStderr();
  EXPECT_EQ(gc::collect(), 2u);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(inner, 0u);
  EXPECT_NE(err.find("tenure: error: tenure::gc::collect() refused"),
            std::string::npos)
      << err;
  gc::remove_callback(id);
}

TEST_F(GcControlsTest, CallbackThatThrowsLeavesTheHeapUsable) {
  std::uint64_t id =
      gc::add_callback([](gc::Phase phase, const gc::CollectionInfo&) {
        if (phase == gc::Phase::kStart) throw std::runtime_error("callback");
      });
  make_cycle();
  EXPECT_THROW(gc::collect(), std::runtime_error);
  gc::remove_callback(id);
  EXPECT_EQ(gc::collect(), 2u);
}

// CPython's rule: an automatic full collection waits until the oldest
// generation has grown by a quarter since the last full collection.
TEST_F(GcControlsTest, FullCollectionsWaitForLongLivedGrowth) {
  std::vector<Ref<Node>> old;
  for (int i = 0; i < 4000; ++i) old.push_back(make<Node>());
  gc::collect();  // 4000 long-lived objects now
  int full = 0;
  std::uint64_t id =
      gc::add_callback([&](gc::Phase phase, const gc::CollectionInfo& info) {
        if (phase == gc::Phase::kStop && info.generation == 2) ++full;
      });
  gc::set_threshold(1, 1, 1);
  std::vector<Ref<Node>> growing;
  for (int i = 0; i < 900; ++i) growing.push_back(make<Node>());
  EXPECT_EQ(full, 0);  // fewer than 1000 promoted: no full collection yet
  for (int i = 0; i < 2000; ++i) growing.push_back(make<Node>());
  EXPECT_GE(full, 1);
  EXPECT_LE(full, 3);
  gc::remove_callback(id);
}

TEST_F(GcControlsTest, AutomaticCollectionUnderAllocationLoad) {
  // 100,000 two-object cycles made and dropped with the default thresholds:
  // automatic collections keep the heap small without any explicit collect.
  std::size_t most = 0;
  for (int i = 0; i < 100000; ++i) {
    make_cycle();
    most = std::max(most, gc::tracked_count());
  }
  EXPECT_LT(most, 20000u);
}

}  // namespace
}  // namespace tenure::test
