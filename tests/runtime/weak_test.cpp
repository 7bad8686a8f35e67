#include "tenure/weak.h"

#include <gtest/gtest.h>

#include <utility>

#include "test_types.h"

namespace tenure::test {
namespace {

TEST(WeakTest, LockWhileAliveThenNull) {
  Ref<Node> n = make<Node>(1);
  Weak<Node> w = n;
  EXPECT_FALSE(w.expired());
  EXPECT_EQ(w.use_count(), 1u);
  {
    Ref<Node> locked = w.lock();
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked, n);
    EXPECT_EQ(n.use_count(), 2u);
  }
  n.reset();
  EXPECT_TRUE(w.expired());
  EXPECT_EQ(w.use_count(), 0u);
  EXPECT_FALSE(w.lock());
}

TEST(WeakTest, DefaultIsExpired) {
  Weak<Node> w;
  EXPECT_TRUE(w.expired());
  EXPECT_FALSE(w.lock());
}

TEST(WeakTest, DoesNotKeepItsTargetAlive) {
  LiveCounter::live = 0;
  Weak<Node> w;
  {
    Ref<Node> n = make<Node>();
    w = n;
    EXPECT_EQ(n.use_count(), 1u);
  }
  EXPECT_EQ(LiveCounter::live, 0);
  EXPECT_TRUE(w.expired());
}

TEST(WeakTest, CopiesMovesAndResetsShareTheTarget) {
  Ref<Node> n = make<Node>();
  Weak<Node> a = n;
  Weak<Node> b = a;
  Weak<Node> c = std::move(a);
  EXPECT_TRUE(a.expired());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.lock(), n);
  EXPECT_EQ(c.lock(), n);
  b.reset();
  EXPECT_TRUE(b.expired());
  EXPECT_FALSE(c.expired());
  swap(b, c);
  EXPECT_EQ(b.lock(), n);
  n.reset();
  EXPECT_TRUE(b.expired());
}

TEST(WeakTest, DerivedConvertsToBase) {
  Ref<Derived> d = make<Derived>(2);
  Weak<Derived> wd = d;
  Weak<Node> wn = wd;
  Weak<Node> from_ref = d;
  EXPECT_EQ(wn.lock(), d);
  EXPECT_EQ(from_ref.lock()->value, 2);
  d.reset();
  EXPECT_TRUE(wn.expired());
  EXPECT_TRUE(from_ref.expired());
}

TEST(WeakTest, BackPointerWithoutCycle) {
  LiveCounter::live = 0;
  {
    Ref<Node> parent = make<Node>();
    Ref<Node> child = make<Node>();
    child->prev = parent;
    parent->kids.push_back(child);
    EXPECT_EQ(child->prev.lock(), parent);
  }
  EXPECT_EQ(LiveCounter::live, 0);  // refcounting alone freed both
}

TEST(WeakTest, OutlivesManyTargetsInTurn) {
  Weak<Node> w;
  for (int i = 0; i < 1000; ++i) {
    Ref<Node> n = make<Node>(i);
    w = n;
    EXPECT_EQ(w.lock()->value, i);
  }
  EXPECT_TRUE(w.expired());
}

}  // namespace
}  // namespace tenure::test
