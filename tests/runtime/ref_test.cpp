#include "tenure/ref.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tenure/weak.h"
#include "test_types.h"

namespace tenure::test {
namespace {

class RefTest : public ::testing::Test {
 protected:
  void SetUp() override { LiveCounter::live = 0; }
  void TearDown() override { EXPECT_EQ(LiveCounter::live, 0); }
};

TEST_F(RefTest, MakeGivesTheOnlyHandle) {
  Ref<Node> n = make<Node>(7);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->value, 7);
  EXPECT_EQ((*n).value, 7);
  EXPECT_EQ(n.use_count(), 1u);
  EXPECT_EQ(LiveCounter::live, 1);
}

TEST_F(RefTest, DefaultAndNullAreEmpty) {
  Ref<Node> a;
  Ref<Node> b = nullptr;
  EXPECT_FALSE(a);
  EXPECT_EQ(a.get(), nullptr);
  EXPECT_EQ(a.use_count(), 0u);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a == nullptr);
}

TEST_F(RefTest, CopyIncrementsAndDestroyDecrements) {
  Ref<Node> a = make<Node>();
  {
    Ref<Node> b = a;
    EXPECT_EQ(a.use_count(), 2u);
    EXPECT_EQ(a, b);
    Ref<Node> c;
    c = b;
    EXPECT_EQ(a.use_count(), 3u);
  }
  EXPECT_EQ(a.use_count(), 1u);
}

TEST_F(RefTest, MoveTransfersWithoutCounting) {
  Ref<Node> a = make<Node>();
  Node* raw = a.get();
  Ref<Node> b = std::move(a);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(b.get(), raw);
  EXPECT_EQ(b.use_count(), 1u);
  Ref<Node> c;
  c = std::move(b);
  EXPECT_EQ(c.use_count(), 1u);
  EXPECT_FALSE(b);  // NOLINT(bugprone-use-after-move)
}

TEST_F(RefTest, SelfAssignmentKeepsTheObject) {
  Ref<Node> a = make<Node>(3);
  Ref<Node>& alias = a;
  a = alias;
  EXPECT_EQ(a->value, 3);
  EXPECT_EQ(a.use_count(), 1u);
  a = std::move(alias);
  EXPECT_TRUE(a);
  EXPECT_EQ(LiveCounter::live, 1);
}

TEST_F(RefTest, AssigningReleasesTheOldTarget) {
  Ref<Node> a = make<Node>(1);
  a = make<Node>(2);
  EXPECT_EQ(LiveCounter::live, 1);
  EXPECT_EQ(a->value, 2);
  a = nullptr;
  EXPECT_EQ(LiveCounter::live, 0);
  a = make<Node>(3);
  a.reset();
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(RefTest, DerivedConvertsToBase) {
  static_assert(std::is_convertible_v<Ref<Derived>, Ref<Node>>);
  static_assert(!std::is_convertible_v<Ref<Node>, Ref<Derived>>);
  static_assert(std::is_convertible_v<Ref<Node>, Ref<const Node>>);
  Ref<Derived> d = make<Derived>(5);
  Ref<Node> base = d;
  EXPECT_EQ(d.use_count(), 2u);
  EXPECT_EQ(base, d);
  Ref<Node> moved = std::move(d);
  EXPECT_EQ(moved.use_count(), 2u);
  base = make<Derived>(6);  // converting assignment
  EXPECT_EQ(base->value, 6);
}

TEST_F(RefTest, ConstTargets) {
  Ref<const Node> c = make<Node>(4);
  EXPECT_EQ(c->value, 4);
  Ref<const Node> copy = c;
  EXPECT_EQ(c.use_count(), 2u);
}

TEST_F(RefTest, MakeConstAndWeakConst) {
  Ref<const Node> c = make<const Node>(9);
  Weak<const Node> w = c;
  EXPECT_EQ(w.lock()->value, 9);
  c.reset();
  EXPECT_TRUE(w.expired());
}

TEST_F(RefTest, CastsFollowSharedPtr) {
  Ref<Node> base = make<Derived>(8);
  Ref<Derived> down = dynamic_ref_cast<Derived>(base);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->label, "derived");
  EXPECT_EQ(base.use_count(), 2u);
  EXPECT_FALSE(dynamic_ref_cast<Derived>(make<Node>()));
  Ref<Derived> same = static_ref_cast<Derived>(base);
  EXPECT_EQ(same, down);
  EXPECT_EQ(same.use_count(), 3u);
}

TEST_F(RefTest, ComparisonAndOrderingByAddress) {
  Ref<Node> a = make<Node>();
  Ref<Node> b = make<Node>();
  EXPECT_NE(a, b);
  EXPECT_EQ(a < b, a.get() < b.get());
  EXPECT_EQ(a <=> b, a.get() <=> b.get());
  EXPECT_TRUE(a != nullptr);
  EXPECT_TRUE(nullptr != a);
  std::set<Ref<Node>> ordered{a, b, a};
  EXPECT_EQ(ordered.size(), 2u);
}

TEST_F(RefTest, HashMatchesPointerHash) {
  Ref<Node> a = make<Node>();
  EXPECT_EQ(std::hash<Ref<Node>>()(a), std::hash<Node*>()(a.get()));
  std::unordered_set<Ref<Node>> set{a, a, make<Node>()};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.contains(a));
}

TEST_F(RefTest, SwapExchangesTargets) {
  Ref<Node> a = make<Node>(1);
  Ref<Node> b = make<Node>(2);
  swap(a, b);
  EXPECT_EQ(a->value, 2);
  EXPECT_EQ(b->value, 1);
}

TEST_F(RefTest, FromThisAddsAHandle) {
  struct Self : Object {
    Ref<Self> me() { return Ref<Self>::from_this(this); }
  };
  Ref<Self> s = make<Self>();
  Ref<Self> again = s->me();
  EXPECT_EQ(again, s);
  EXPECT_EQ(s.use_count(), 2u);
}

TEST_F(RefTest, DetachAndAdoptKeepTheCount) {
  Ref<Node> a = make<Node>();
  Node* raw = a.detach();
  EXPECT_FALSE(a);
  EXPECT_EQ(LiveCounter::live, 1);
  Ref<Node> back = Ref<Node>::adopt(raw);
  EXPECT_EQ(back.use_count(), 1u);
}

TEST_F(RefTest, ConstructorThatThrowsLeavesNothing) {
  struct Throws : Object, LiveCounter {
    Throws() { throw std::runtime_error("no"); }
  };
  std::size_t tracked = gc::tracked_count();
  EXPECT_THROW(make<Throws>(), std::runtime_error);
  EXPECT_EQ(gc::tracked_count(), tracked);
}

TEST_F(RefTest, OverAlignedObjects) {
  struct alignas(64) Wide : Object {
    char bytes[64];
  };
  std::vector<Ref<Wide>> all;
  for (int i = 0; i < 16; ++i) {
    all.push_back(make<Wide>());
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(all.back().get()) % 64, 0u);
  }
}

// SharedObject: an atomic count, so handles cross threads.
struct Shared : SharedObject {
  static inline std::atomic<int> destroyed{0};
  ~Shared() override { destroyed.fetch_add(1); }
  int payload = 42;
};

TEST(SharedObjectTest, HandlesCrossThreads) {
  Shared::destroyed = 0;
  Ref<Shared> shared = make<Shared>();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([copy = shared] {
      for (int i = 0; i < 100000; ++i) {
        Ref<Shared> local = copy;
        ASSERT_EQ(local->payload, 42);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(shared.use_count(), 1u);
  EXPECT_EQ(Shared::destroyed.load(), 0);
  shared.reset();
  EXPECT_EQ(Shared::destroyed.load(), 1);
}

TEST(SharedObjectTest, LastHandleMayDieOnAnotherThread) {
  Shared::destroyed = 0;
  Ref<Shared> shared = make<Shared>();
  std::thread([moved = std::move(shared)]() mutable { moved.reset(); }).join();
  EXPECT_EQ(Shared::destroyed.load(), 1);
}

}  // namespace
}  // namespace tenure::test
