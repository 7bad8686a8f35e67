// The SharedObject registry of verification mode and its scan for leaked
// cycles (verify::find_shared_cycles), and what it costs outside that mode:
// nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tenure/cycles.h"
#include "tenure/tenure.h"
#include "test_types.h"

namespace tenure::test {
namespace {

struct Link : SharedObject {
  Ref<Link> next;
  std::vector<Ref<Link>> more;
  Ref<Node> local;  // a collectable object: never read by the scan
  void trace(Tracer& t) {
    t("next", next);
    t("more", more);
    t("local", local);
  }
};
struct Plain : SharedObject {  // no trace member
  Ref<Link> link;
};
struct Owner : Object {
  Ref<Link> link;
  Ref<Owner> self;
  void trace(Tracer& t) override {
    t("link", link);
    t("self", self);
  }
};

// The header is the same in both modes: the registry lives beside it.
static_assert(sizeof(SharedObject) == sizeof(void*) + 8);
static_assert(sizeof(Ref<Link>) == sizeof(void*));

#if !TENURE_VERIFY
TEST(SharedScanTest, OffCostsNothing) {
  Ref<Link> a = make<Link>();
  a->next = a;  // a cycle, unseen outside verification mode
  EXPECT_EQ(verify::shared_allocation_count(), 0u);
  verify::SharedCycles scan = verify::find_shared_cycles();
  EXPECT_EQ(scan.live, 0u);
  EXPECT_EQ(scan.leaked, 0u);
  EXPECT_TRUE(scan.cycles.empty());
  a->next.reset();
}
#else
TEST(SharedScanTest, CountsLiveAndUntracedObjects) {
  std::uint64_t mark = verify::shared_allocation_count();
  std::size_t live_before = verify::find_shared_cycles(mark).live;
  Ref<Link> link = make<Link>();
  Ref<Plain> plain = make<Plain>();
  EXPECT_EQ(verify::shared_allocation_count(), mark + 2);
  verify::SharedCycles scan = verify::find_shared_cycles(mark);
  EXPECT_EQ(scan.error, "");
  EXPECT_EQ(scan.live, live_before + 2);
  EXPECT_GE(scan.untraced, 1u);
  EXPECT_EQ(scan.leaked, 0u);  // both held by locals
  plain.reset();
  link.reset();
  EXPECT_EQ(verify::find_shared_cycles(mark).live, live_before);
}

TEST(SharedScanTest, CycleThroughAContainerAndWhatItHolds) {
  std::uint64_t mark = verify::shared_allocation_count();
  Ref<Link> a = make<Link>();
  a->more.push_back(make<Link>());
  a->more[0]->next = a;
  a->more[0]->more.push_back(make<Link>());  // held by the cycle, on none
  Link* raw = a.get();
  a.reset();
  verify::SharedCycles scan = verify::find_shared_cycles(mark);
  EXPECT_EQ(scan.leaked, 3u);
  ASSERT_EQ(scan.cycles.size(), 1u);
  EXPECT_EQ(scan.cycles[0].fields, (std::vector<std::string>{"more", "next"}));
  EXPECT_EQ(scan.cycles[0].objects, 2u);
  EXPECT_EQ(scan.cycles[0].sites.size(), 2u);
  ASSERT_EQ(scan.held.size(), 1u);
  EXPECT_EQ(scan.held[0].type, "tenure::test::(anonymous namespace)::Link");
  EXPECT_EQ(scan.held[0].count, 1u);
  // Broken by hand, it is freed, and nothing is left.
  Ref<Link>::from_this(raw)->more.clear();
  EXPECT_EQ(verify::find_shared_cycles(mark).leaked, 0u);
}

TEST(SharedScanTest, ObjectsBeforeTheMarkHoldButAreNotReported) {
  Ref<Link> old = make<Link>();
  old->next = old;
  std::uint64_t mark = verify::shared_allocation_count();
  old->more.push_back(make<Link>());  // held only by the old cycle
  Link* raw = old.get();
  old.reset();
  verify::SharedCycles scan = verify::find_shared_cycles(mark);
  EXPECT_EQ(scan.leaked, 1u);
  EXPECT_TRUE(scan.cycles.empty());
  ASSERT_EQ(scan.held.size(), 1u);
  Ref<Link>::from_this(raw)->next.reset();
}

TEST(SharedScanTest, HeldFromOutsideByAnyHandleItCannotTrace) {
  std::uint64_t mark = verify::shared_allocation_count();
  // A heap object, an untraced SharedObject and another thread's local
  // each hold a cycle; none is leaked.
  Ref<Owner> owner = make<Owner>();
  owner->link = make<Link>();
  owner->link->next = owner->link;
  owner->link->local = make<Node>();
  Ref<Plain> plain = make<Plain>();
  plain->link = make<Link>();
  plain->link->next = plain->link;
  std::atomic<bool> held{false}, done{false};
  Ref<Link> shared = make<Link>();
  shared->next = shared;
  std::thread holder([&, copy = shared] {
    held = true;
    while (!done) std::this_thread::yield();
    (void)copy;
  });
  while (!held) std::this_thread::yield();
  Link* raw = shared.get();
  shared.reset();
  verify::SharedCycles scan = verify::find_shared_cycles(mark);
  EXPECT_EQ(scan.error, "");
  EXPECT_EQ(scan.leaked, 0u);
  done = true;
  holder.join();
  // The thread's handle is gone: now that cycle is leaked.
  scan = verify::find_shared_cycles(mark);
  EXPECT_EQ(scan.leaked, 1u);
  Ref<Link>::from_this(raw)->next.reset();
  owner->link->next.reset();
  plain->link->next.reset();
}

TEST(SharedScanTest, CollectorStillIgnoresSharedHandles) {
  // Verification mode's Tracer reports SharedObject handles to the scan;
  // the collector's tracers and get_referents still skip them, and a heap
  // cycle that is collected drops the SharedObjects it held.
  std::uint64_t mark = verify::shared_allocation_count();
  std::size_t live = verify::find_shared_cycles().live;
  Ref<Owner> owner = make<Owner>();
  owner->link = make<Link>();
  owner->self = owner;
  EXPECT_EQ(gc::get_referents(*owner).size(), 1u);  // self only
  owner.reset();
  EXPECT_EQ(gc::collect(), 1u);
  EXPECT_EQ(verify::find_shared_cycles(mark).live, live);
}
#endif

}  // namespace
}  // namespace tenure::test
