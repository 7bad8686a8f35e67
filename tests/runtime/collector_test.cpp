#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tenure/gc.h"
#include "test_types.h"

namespace tenure::test {
namespace {

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gc::collect();
    LiveCounter::live = 0;
    saved_threshold_ = gc::get_threshold();
    gc::enable();
  }
  void TearDown() override {
    auto [t0, t1, t2] = saved_threshold_;
    gc::set_threshold(t0, t1, t2);
    gc::enable();
    gc::collect();
    EXPECT_EQ(LiveCounter::live, 0);
  }

 private:
  std::array<std::size_t, 3> saved_threshold_{};
};

TEST_F(CollectorTest, RefcountingAloneCannotFreeACycle) {
  gc::disable();
  {
    Ref<Node> a = make<Node>();
    Ref<Node> b = make<Node>();
    a->next = b;
    b->next = a;
  }
  EXPECT_EQ(LiveCounter::live, 2);
  EXPECT_EQ(gc::collect(), 2u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(CollectorTest, SelfCycle) {
  {
    Ref<Node> n = make<Node>();
    n->next = n;
  }
  EXPECT_EQ(LiveCounter::live, 1);
  EXPECT_EQ(gc::collect(), 1u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(CollectorTest, HeldCycleSurvivesAndStaysIntact) {
  Ref<Node> a = make<Node>(1);
  a->next = make<Node>(2);
  a->next->next = a;
  EXPECT_EQ(gc::collect(), 0u);
  EXPECT_EQ(LiveCounter::live, 2);
  ASSERT_TRUE(a->next);
  EXPECT_EQ(a->next->next, a);
  a->next->next.reset();  // break it by hand: refcounting frees the rest
}

TEST_F(CollectorTest, ObjectsReachableOnlyFromACycleAreGarbageToo) {
  {
    Ref<Node> a = make<Node>();
    Ref<Node> b = make<Node>();
    a->next = b;
    b->next = a;
    b->kids.push_back(make<Node>());
    b->kids.push_back(make<Node>());
  }
  EXPECT_EQ(gc::collect(), 4u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(CollectorTest, CycleThroughContainersOfEveryKind) {
  struct Holder : Object, LiveCounter {
    std::map<std::string, Ref<Holder>> by_name;
    std::optional<Ref<Holder>> maybe;
    std::pair<int, Ref<Holder>> pair;
    void trace(Tracer& t) override {
      t(by_name);
      t(maybe);
      t(pair);
    }
  };
  {
    Ref<Holder> a = make<Holder>();
    Ref<Holder> b = make<Holder>();
    Ref<Holder> c = make<Holder>();
    a->by_name["b"] = b;
    b->maybe = c;
    c->pair = {1, a};
  }
  EXPECT_EQ(gc::collect(), 3u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(CollectorTest, WeakHandlesToGarbageAreClearedBeforeDestructors) {
  struct Watcher : Object, LiveCounter {
    Ref<Watcher> next;
    Weak<Watcher> peer;
    bool* report = nullptr;
    ~Watcher() override {
      if (report) *report = peer.expired();
    }
    void trace(Tracer& t) override { t(next); }
  };
  bool expired_seen = false;
  Weak<Watcher> outside;
  {
    Ref<Watcher> a = make<Watcher>();
    Ref<Watcher> b = make<Watcher>();
    a->next = b;
    b->next = a;
    a->peer = b;
    a->report = &expired_seen;
    outside = a;
  }
  EXPECT_FALSE(outside.expired());
  EXPECT_EQ(gc::collect(), 2u);
  EXPECT_TRUE(outside.expired());
  EXPECT_TRUE(expired_seen);
}

TEST_F(CollectorTest, YoungCollectionKeepsWhatAnOlderObjectHolds) {
  gc::disable();
  Ref<Node> old = make<Node>();
  gc::collect(0);  // `old` moves to generation 1
  old->next = make<Node>();
  old->next->next = make<Node>();
  old->next->next->next = old->next;  // a cycle held from generation 1
  EXPECT_EQ(gc::collect(0), 0u);
  EXPECT_EQ(LiveCounter::live, 3);
  old->next.reset();  // now the young cycle is unreachable
  EXPECT_EQ(LiveCounter::live, 3);
  EXPECT_EQ(gc::collect(1), 2u);
  EXPECT_EQ(LiveCounter::live, 1);
}

TEST_F(CollectorTest, CycleSpanningGenerationsNeedsAnOlderCollection) {
  gc::disable();
  Ref<Node> a = make<Node>();
  gc::collect(0);  // a is in generation 1
  a->next = make<Node>();
  a->next->next = a;
  a.reset();
  // Generation 0 alone sees the young node held from outside the set.
  EXPECT_EQ(gc::collect(0), 0u);
  EXPECT_EQ(LiveCounter::live, 2);
  EXPECT_EQ(gc::collect(2), 2u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(CollectorTest, ResurrectionByADestructorDoesNotCrash) {
  // Two garbage objects that know each other by raw pointer; whichever is
  // destroyed first stores a handle to the other somewhere live.
  static Ref<Node>* keeper = nullptr;
  struct Resurrector : Node {
    Node* buddy = nullptr;
    ~Resurrector() override {
      if (keeper && !*keeper) *keeper = Ref<Node>::from_this(buddy);
    }
  };
  Ref<Node> kept;
  keeper = &kept;
  {
    Ref<Resurrector> a = make<Resurrector>();
    Ref<Resurrector> b = make<Resurrector>();
    a->next = b;
    b->next = a;
    a->buddy = b.get();
    b->buddy = a.get();
  }
  EXPECT_EQ(gc::collect(), 2u);
  keeper = nullptr;
  EXPECT_EQ(LiveCounter::live, 1);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->next, nullptr);  // its handles were cleared
  EXPECT_EQ(kept.use_count(), 1u);
  kept.reset();
}

// Garbage is destroyed one object at a time, last made first. A destructor
// there can release objects outside the garbage (here through a field its
// trace does not report, so the collector saw that object as held from
// outside) and resurrect a garbage object that is not the next to go, which
// then leaves the collecting list from the middle.
TEST_F(CollectorTest, GarbageDestructorsReleaseAndResurrect) {
  static Ref<Node>* keeper = nullptr;
  struct Holder : Node {
    using Node::Node;
    Ref<Node> untraced;  // not reported by trace()
    Node* resurrect = nullptr;
    ~Holder() override {
      if (keeper && !*keeper) *keeper = Ref<Node>::from_this(resurrect);
    }
  };
  Ref<Node> kept;
  keeper = &kept;
  std::size_t uncollectable = gc::get_stats()[2].uncollectable;
  {
    std::vector<Ref<Holder>> ring;
    for (int i = 0; i < 6; ++i) ring.push_back(make<Holder>(i));
    for (int i = 0; i < 6; ++i) {
      ring[i]->next = ring[(i + 1) % 6];
      ring[i]->untraced = make<Node>(100 + i);
      ring[i]->resurrect = ring[(i + 3) % 6].get();
    }
  }
  EXPECT_EQ(LiveCounter::live, 12);
  EXPECT_EQ(gc::collect(), 6u);
  keeper = nullptr;
  ASSERT_TRUE(kept);
  // The resurrected holder and the node it still holds.
  EXPECT_EQ(LiveCounter::live, 2);
  EXPECT_EQ(kept->next, nullptr);
  EXPECT_EQ(kept.use_count(), 1u);
  EXPECT_EQ(gc::get_stats()[2].uncollectable, uncollectable + 1);
  kept.reset();
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(CollectorTest, DestructorThatAllocatesDuringCollection) {
  struct Allocates : Object, LiveCounter {
    Ref<Allocates> self;
    ~Allocates() override { make<Node>(); }
    void trace(Tracer& t) override { t(self); }
  };
  {
    Ref<Allocates> a = make<Allocates>();
    a->self = a;
  }
  EXPECT_EQ(gc::collect(), 1u);
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST_F(CollectorTest, CollectInsideADestructorIsRefused) {
  static std::size_t inner = 99;
  struct Collects : Object {
    ~Collects() override { inner = gc::collect(); }
  };
  make<Collects>();
  EXPECT_EQ(inner, 0u);
}

TEST_F(CollectorTest, AutomaticCollectionFollowsThreshold0) {
  gc::set_threshold(10);
  for (int i = 0; i < 5; ++i) {
    Ref<Node> n = make<Node>();
    n->next = n;
  }
  EXPECT_EQ(LiveCounter::live, 5);
  // Deallocations count down, so only objects that stay alive add up.
  std::vector<Ref<Node>> kept;
  for (int i = 0; i < 5; ++i) kept.push_back(make<Node>());
  EXPECT_EQ(LiveCounter::live, 10);
  kept.push_back(make<Node>());  // the 11th allocation passes threshold0
  EXPECT_EQ(LiveCounter::live, 6);
  EXPECT_EQ(gc::get_count()[0], 0u);
  EXPECT_EQ(gc::get_count()[1], 1u);
  kept.clear();
}

TEST_F(CollectorTest, DisabledMeansNoAutomaticCollection) {
  gc::set_threshold(10);
  gc::disable();
  EXPECT_FALSE(gc::is_enabled());
  for (int i = 0; i < 50; ++i) {
    Ref<Node> n = make<Node>();
    n->next = n;
  }
  EXPECT_EQ(LiveCounter::live, 50);
  EXPECT_EQ(gc::get_count()[0], 50u);
  gc::enable();
  EXPECT_TRUE(gc::is_enabled());
  EXPECT_EQ(gc::collect(), 50u);
}

TEST_F(CollectorTest, ThresholdsAndCountsFollowPython) {
  auto [t0, t1, t2] = gc::get_threshold();
  EXPECT_EQ(t0, 700u);
  EXPECT_EQ(t1, 10u);
  EXPECT_EQ(t2, 10u);
  gc::set_threshold(100, 5);
  EXPECT_EQ(gc::get_threshold(), (std::array<std::size_t, 3>{100, 5, 10}));
  gc::set_threshold(0);  // 0 turns automatic collection off
  Ref<Node> n = make<Node>();
  EXPECT_EQ(gc::get_count()[0], 1u);
  n.reset();
  EXPECT_EQ(gc::get_count()[0], 0u);  // deallocations count down
  gc::collect(0);
  gc::collect(0);
  EXPECT_EQ(gc::get_count()[1], 2u);
  gc::collect(1);
  EXPECT_EQ(gc::get_count()[1], 0u);
  EXPECT_EQ(gc::get_count()[2], 1u);
}

TEST_F(CollectorTest, TraceThatThrowsLeavesTheHeapUsable) {
  struct Throws : Node {
    bool fail = true;
    void trace(Tracer& t) override {
      if (fail) throw std::runtime_error("trace failed");
      Node::trace(t);
    }
  };
  Ref<Throws> bad = make<Throws>();
  {
    Ref<Node> n = make<Node>();
    n->next = n;
  }
  std::size_t tracked = gc::tracked_count();
  EXPECT_THROW(gc::collect(), std::runtime_error);
  EXPECT_EQ(gc::tracked_count(), tracked);
  bad->fail = false;
  EXPECT_EQ(gc::collect(), 1u);  // the self-cycle, once trace behaves
}

// A trace() that throws in the middle of the mark, after the collection
// has counted every reference and decided about part of the heap: nothing
// is freed or moved, and the next collection decides everything again.
TEST_F(CollectorTest, TraceThatThrowsDuringTheMarkLeavesTheHeapAsItWas) {
  gc::disable();
  struct ThrowsLater : Node {
    using Node::Node;
    int* traces_left = nullptr;
    void trace(Tracer& t) override {
      if (traces_left && --*traces_left < 0) {
        throw std::runtime_error("trace failed");
      }
      Node::trace(t);
    }
  };
  std::vector<Ref<ThrowsLater>> kept;
  for (int i = 0; i < 100; ++i) {
    kept.push_back(make<ThrowsLater>(i));
    if (i > 0) kept[i - 1]->next = kept[i];
    Ref<Node> garbage = make<Node>(-i);
    garbage->next = garbage;
  }
  gc::collect(0);  // half of them in generation 1, half freed
  for (int i = 0; i < 100; ++i) {
    Ref<Node> garbage = make<Node>(-i);
    garbage->next = garbage;
  }
  int traces_left = 0;
  for (auto& node : kept) node->traces_left = &traces_left;
  // Each object is traced once to count, then the reachable ones once more.
  traces_left = 100 + 20;
  std::size_t tracked = gc::tracked_count();
  EXPECT_THROW(gc::collect(), std::runtime_error);
  EXPECT_EQ(gc::tracked_count(), tracked);
  EXPECT_EQ(LiveCounter::live, 200);
  EXPECT_EQ(gc::get_objects(1).size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(kept[i]->value, i);
  traces_left = 1 << 20;
  EXPECT_EQ(gc::collect(), 100u);
  EXPECT_EQ(LiveCounter::live, 100);
  EXPECT_EQ(gc::get_objects(2).size(), 100u);
  for (auto& node : kept) node->traces_left = nullptr;
}

// The mark goes through the generation in list order (allocation order) and
// handles edges a few edges after trace() reports them: an object reached
// only from objects made after it has been passed by then, and must still
// be found reachable (followed from a stack, not left for a scan that is
// over). A chain made tail first is all such edges, longer than any queue.
TEST_F(CollectorTest, ObjectsHeldOnlyByLaterObjectsSurvive) {
  gc::disable();
  Ref<Node> head;
  for (int i = 0; i < 5000; ++i) {
    Ref<Node> node = make<Node>(i);
    node->next = std::move(head);
    head = std::move(node);
  }
  // And a cycle among them, so that the collection has garbage to free.
  Ref<Node> a = make<Node>(-1), b = make<Node>(-2);
  a->next = b;
  b->next = a;
  a.reset();
  b.reset();
  EXPECT_EQ(gc::collect(), 2u);
  EXPECT_EQ(LiveCounter::live, 5000);
  int expected = 4999;
  for (Node* n = head.get(); n; n = n->next.get())
    EXPECT_EQ(n->value, expected--);
  EXPECT_EQ(expected, -1);
  // Again from the oldest generation, where the chain now is.
  EXPECT_EQ(gc::collect(), 0u);
  EXPECT_EQ(LiveCounter::live, 5000);
  head.reset();
}

// Garbage among survivors: the survivors close up in their list, garbage
// with weak handles gets them cleared, and the work lists kept between
// collections serve a smaller heap afterwards.
TEST_F(CollectorTest, GarbageInterleavedWithSurvivors) {
  gc::disable();
  std::vector<Ref<Node>> kept;
  std::vector<Weak<Node>> weak_to_garbage;
  for (int i = 0; i < 3000; ++i) {
    Ref<Node> n = make<Node>(i);
    if (i % 3 == 0) {
      kept.push_back(n);
    } else {
      n->next = n;  // a self-cycle: garbage once n goes
      if (i % 3 == 1) weak_to_garbage.emplace_back(n);
    }
  }
  EXPECT_EQ(gc::collect(0), 2000u);
  EXPECT_EQ(LiveCounter::live, 1000);
  for (const Weak<Node>& w : weak_to_garbage) EXPECT_TRUE(w.expired());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i]->value, static_cast<int>(3 * i));
  }
  kept.resize(10);
  for (int i = 0; i < 10; ++i) kept[i]->next = kept[(i + 1) % 10];
  kept.clear();
  EXPECT_EQ(gc::collect(), 10u);
}

TEST_F(CollectorTest, BadGenerationIsAnError) {
  EXPECT_THROW(gc::collect(3), std::out_of_range);
  EXPECT_THROW(gc::collect(-1), std::out_of_range);
}

TEST_F(CollectorTest, TrackedCountSeesLiveObjects) {
  std::size_t before = gc::tracked_count();
  Ref<Node> a = make<Node>();
  Ref<Node> b = make<Node>();
  EXPECT_EQ(gc::tracked_count(), before + 2);
  a.reset();
  EXPECT_EQ(gc::tracked_count(), before + 1);
}

TEST_F(CollectorTest, BigCycleOfAMillionNodes) {
  gc::disable();
  constexpr int kLength = 1'000'000;
  {
    Ref<Node> head = make<Node>();
    Node* tail = head.get();
    for (int i = 1; i < kLength; ++i) {
      tail->next = make<Node>(i);
      tail = tail->next.get();
    }
    tail->next = head;
  }
  EXPECT_EQ(gc::collect(), static_cast<std::size_t>(kLength));
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST(CollectorThreadTest, EachThreadHasItsOwnHeap) {
  std::size_t main_tracked = gc::tracked_count();
  std::size_t found = 0;
  std::thread([&] {
    gc::disable();
    {
      Ref<Node> n = make<Node>();
      n->next = n;
    }
    found = gc::collect();
  }).join();
  EXPECT_EQ(found, 1u);
  EXPECT_EQ(gc::tracked_count(), main_tracked);
  EXPECT_TRUE(gc::is_enabled());  // the other thread's switch was its own
}

}  // namespace
}  // namespace tenure::test
