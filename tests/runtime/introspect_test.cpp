// gc::get_referents, get_referrers, get_objects, is_tracked, get_stats, and
// verify's sizes, traced memory, retention paths and back-reference graphs.
#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tenure/gc.h"
#include "tenure/pool.h"
#include "tenure/snapshot.h"
#include "tenure/verify.h"
#include "test_types.h"

namespace tenure::test {
namespace {

struct Entry : Object {
  int value = 0;
};

// A registry and a cache, both holding entries, as in a real program.
struct Registry : Object {
  std::vector<Ref<Entry>> entries;
  void trace(Tracer& t) override { t("entries", entries); }
};
struct Bucket : Object {
  Ref<Entry> entry;
  void trace(Tracer& t) override { t("entry", entry); }
};
struct Cache : Object {
  std::vector<Ref<Bucket>> buckets;
  Ref<Entry> last;
  void trace(Tracer& t) override {
    t("buckets", buckets);
    t("last", last);
  }
};

const std::string kPrefix = "tenure::test::(anonymous namespace)::";

bool contains(const std::vector<Ref<Object>>& objects, const Object* object) {
  return std::any_of(objects.begin(), objects.end(),
                     [&](const Ref<Object>& o) { return o.get() == object; });
}

std::vector<std::string> types_of(const verify::RetentionPath& path) {
  std::vector<std::string> types;
  for (const verify::PathStep& step : path.steps) types.push_back(step.type);
  return types;
}
std::vector<std::string> fields_of(const verify::RetentionPath& path) {
  std::vector<std::string> fields;
  for (const verify::PathStep& step : path.steps) fields.push_back(step.field);
  return fields;
}

// Runs `body` with a Node made on another thread; the node is dropped on its
// own thread afterwards.
template <class Body>
void with_foreign_node(Body body) {
  Node* foreign = nullptr;
  std::latch made(1), done(1);
  std::thread other([&] {
    Ref<Node> node = make<Node>();
    node->next = make<Node>();
    foreign = node.get();
    made.count_down();
    done.wait();
  });
  made.wait();
  body(*foreign);
  done.count_down();
  other.join();
}

class IntrospectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gc::collect();
    gc::disable();  // no automatic collection moves objects mid-test
  }
  void TearDown() override {
    gc::enable();
    gc::set_debug(0);
    gc::garbage().clear();
    gc::unfreeze();
    gc::collect();
  }
};

TEST_F(IntrospectTest, ReferentsAreWhatTraceVisitsInOrder) {
  Ref<Node> node = make<Node>();
  node->next = make<Node>(1);
  node->kids = {make<Node>(2), make<Node>(3)};
  node->prev = node->next;  // weak: not a referent
  std::vector<Ref<Object>> referents = gc::get_referents(*node);
  ASSERT_EQ(referents.size(), 3u);
  EXPECT_EQ(referents[0].get(), node->next.get());
  EXPECT_EQ(referents[1].get(), node->kids[0].get());
  EXPECT_EQ(referents[2].get(), node->kids[1].get());
  EXPECT_TRUE(gc::get_referents(*node->next).empty());

  // An Object that is a local (not made by make) is this thread's too.
  Node local;
  local.next = node;
  referents = gc::get_referents(local);
  ASSERT_EQ(referents.size(), 1u);
  EXPECT_EQ(referents[0].get(), node.get());
}

TEST_F(IntrospectTest, ReferrersAreTheHeapObjectsThatHoldIt) {
  Ref<Node> target = make<Node>();
  Ref<Node> a = make<Node>();
  Ref<Node> b = make<Node>();
  a->next = target;
  a->kids = {target, target};  // three handles, one referrer
  b->kids = {target};
  Ref<Node> unrelated = make<Node>();
  Node local;  // not on the heap: not a referrer
  local.next = target;
  std::vector<Ref<Object>> referrers = gc::get_referrers(*target);
  EXPECT_EQ(referrers.size(), 2u);
  EXPECT_TRUE(contains(referrers, a.get()));
  EXPECT_TRUE(contains(referrers, b.get()));
  EXPECT_TRUE(gc::get_referrers(*a).empty()) << "held by a local only";
}

TEST_F(IntrospectTest, FrozenObjectsAreTrackedAndScanned) {
  Ref<Node> holder = make<Node>();
  holder->next = make<Node>();
  gc::freeze();
  Ref<Node> young = make<Node>();
  young->next = holder->next;
  EXPECT_TRUE(gc::is_tracked(*holder));
  std::vector<Ref<Object>> referrers = gc::get_referrers(*holder->next);
  EXPECT_EQ(referrers.size(), 2u);
  EXPECT_TRUE(contains(referrers, holder.get()));
  EXPECT_TRUE(contains(referrers, young.get()));
  std::vector<Ref<Object>> all = gc::get_objects();
  EXPECT_TRUE(contains(all, holder.get()));
  EXPECT_TRUE(contains(all, young.get()));
  EXPECT_FALSE(contains(gc::get_objects(2), holder.get())) << "frozen";
  EXPECT_TRUE(contains(gc::get_objects(0), young.get()));

  verify::RetentionPath path = verify::retention_path(*holder->next);
  EXPECT_TRUE(path.rooted);
  ASSERT_EQ(path.steps.size(), 2u);
  EXPECT_EQ(path.steps[1].field, "next");
}

TEST_F(IntrospectTest, ObjectsByGeneration) {
  std::size_t before = gc::get_objects().size();
  EXPECT_EQ(before, gc::tracked_count());
  Ref<Node> node = make<Node>();
  EXPECT_TRUE(contains(gc::get_objects(0), node.get()));
  gc::collect(0);  // survivors move up one generation
  EXPECT_FALSE(contains(gc::get_objects(0), node.get()));
  EXPECT_TRUE(contains(gc::get_objects(1), node.get()));
  EXPECT_EQ(gc::get_objects().size(), before + 1);
  EXPECT_THROW(gc::get_objects(3), std::out_of_range);
  EXPECT_THROW(gc::get_objects(-2), std::out_of_range);
}

TEST_F(IntrospectTest, IsTracked) {
  Ref<Node> node = make<Node>();
  EXPECT_TRUE(gc::is_tracked(*node));
  Node local;
  EXPECT_FALSE(gc::is_tracked(local));
}

TEST_F(IntrospectTest, ObjectsOfAnotherThread) {
  Ref<Node> mine = make<Node>();
  with_foreign_node([&](Node& foreign) {
    EXPECT_FALSE(gc::is_tracked(foreign));
    EXPECT_FALSE(contains(gc::get_objects(), &foreign));
    EXPECT_TRUE(gc::get_referrers(foreign).empty());
    EXPECT_THROW(gc::get_referents(foreign), std::invalid_argument);
    EXPECT_THROW(verify::retention_path(foreign), std::invalid_argument);
    std::ostringstream dot;
    EXPECT_THROW(verify::write_backrefs_dot(dot, foreign),
                 std::invalid_argument);
    EXPECT_EQ(verify::sizeof_object(foreign), 0u);
  });
  EXPECT_TRUE(gc::is_tracked(*mine));
}

TEST_F(IntrospectTest, StatsCountCollectionsAndGarbagePerGeneration) {
  std::array<gc::GenerationStats, 3> before = gc::get_stats();
  for (int i = 0; i < 3; ++i) {
    Ref<Node> a = make<Node>();
    a->next = make<Node>();
    a->next->next = a;
  }
  EXPECT_EQ(gc::collect(0), 6u);
  gc::collect(1);
  std::array<gc::GenerationStats, 3> after = gc::get_stats();
  EXPECT_EQ(after[0].collections, before[0].collections + 1);
  EXPECT_EQ(after[0].collected, before[0].collected + 6);
  EXPECT_EQ(after[0].uncollectable, before[0].uncollectable);
  EXPECT_EQ(after[1].collections, before[1].collections + 1);
  EXPECT_EQ(after[1].collected, before[1].collected);
  EXPECT_EQ(after[2].collections, before[2].collections);
}

TEST_F(IntrospectTest, SavedGarbageIsUncollectableTrackedAndRooted) {
  Node* a_raw;
  {
    Ref<Node> a = make<Node>();
    a->next = make<Node>();
    a->next->next = a;
    a_raw = a.get();
  }
  std::array<gc::GenerationStats, 3> before = gc::get_stats();
  gc::set_debug(gc::kSaveAll);
  EXPECT_EQ(gc::collect(), 2u);
  std::array<gc::GenerationStats, 3> after = gc::get_stats();
  EXPECT_EQ(after[2].collected, before[2].collected + 2);
  EXPECT_EQ(after[2].uncollectable, before[2].uncollectable + 2);
  ASSERT_EQ(gc::garbage().size(), 2u);
  EXPECT_TRUE(gc::is_tracked(*a_raw));
  // gc::garbage() holds each of them from outside the heap; the other one
  // of the pair is the nearest holder.
  verify::RetentionPath path = verify::retention_path(*a_raw);
  EXPECT_TRUE(path.rooted);
  ASSERT_EQ(path.steps.size(), 2u);
  EXPECT_EQ(path.steps[1].field, "next");
  EXPECT_EQ(gc::get_referrers(*a_raw).size(), 1u);
}

// Two garbage objects that know each other by raw pointer; whichever is
// destroyed first stores a handle to the other in a local of the test, and
// looks at the heap while doing so.
struct Resurrector : Node {
  static inline Ref<Node>* keeper = nullptr;
  static inline bool buddy_tracked = false;
  static inline std::size_t buddy_referrers = 99;
  Node* buddy = nullptr;
  ~Resurrector() override {
    if (!keeper || *keeper) return;
    buddy_tracked = gc::is_tracked(*buddy);
    buddy_referrers = gc::get_referrers(*buddy).size();
    *keeper = Ref<Node>::from_this(buddy);
  }
};

TEST_F(IntrospectTest, ResurrectedObjectsAreUncollectableAndHeldFromOutside) {
  Ref<Node> kept;
  Resurrector::keeper = &kept;
  {
    Ref<Resurrector> a = make<Resurrector>();
    Ref<Resurrector> b = make<Resurrector>();
    a->next = b;
    b->next = a;
    a->buddy = b.get();
    b->buddy = a.get();
  }
  std::array<gc::GenerationStats, 3> before = gc::get_stats();
  EXPECT_EQ(gc::collect(), 2u);
  Resurrector::keeper = nullptr;
  ASSERT_TRUE(kept);
  std::array<gc::GenerationStats, 3> after = gc::get_stats();
  EXPECT_EQ(after[2].collected, before[2].collected + 2);
  EXPECT_EQ(after[2].uncollectable, before[2].uncollectable + 1);
  // Inside the destructor the buddy was still tracked (garbage waiting for
  // its turn) and, its handles cleared, held by nothing on the heap.
  EXPECT_TRUE(Resurrector::buddy_tracked);
  EXPECT_EQ(Resurrector::buddy_referrers, 0u);
  EXPECT_TRUE(gc::is_tracked(*kept));
  EXPECT_TRUE(contains(gc::get_objects(), kept.get()));
  EXPECT_TRUE(gc::get_referents(*kept).empty()) << "its handles were cleared";
  verify::RetentionPath path = verify::retention_path(*kept);
  EXPECT_TRUE(path.rooted);
  ASSERT_EQ(path.steps.size(), 1u) << "held by the local `kept` only";
  EXPECT_EQ(path.steps[0].type, kPrefix + "Resurrector");
  kept.reset();
}

TEST_F(IntrospectTest, RetentionPathNamesTheHolderChain) {
  Ref<Registry> registry = make<Registry>();
  Ref<Cache> cache = make<Cache>();
  Ref<Entry> in_registry = make<Entry>();
  registry->entries.push_back(in_registry);
  Ref<Entry> cached = make<Entry>();
  cache->buckets.push_back(make<Bucket>());
  cache->buckets[0]->entry = cached;

  verify::RetentionPath path = verify::retention_path(*cached);
  EXPECT_TRUE(path.rooted);
  EXPECT_EQ(types_of(path),
            (std::vector<std::string>{kPrefix + "Cache", kPrefix + "Bucket",
                                      kPrefix + "Entry"}));
  EXPECT_EQ(fields_of(path),
            (std::vector<std::string>{"", "buckets", "entry"}));
  path = verify::retention_path(*in_registry);
  EXPECT_EQ(fields_of(path), (std::vector<std::string>{"", "entries"}));

  // The shortest chain wins.
  cache->last = cached;
  path = verify::retention_path(*cached);
  EXPECT_EQ(fields_of(path), (std::vector<std::string>{"", "last"}));

  // Held by nothing on the heap: the object is its own root.
  Ref<Entry> alone = make<Entry>();
  path = verify::retention_path(*alone);
  EXPECT_TRUE(path.rooted);
  ASSERT_EQ(path.steps.size(), 1u);
  EXPECT_EQ(path.steps[0].type, kPrefix + "Entry");

  std::string text =
      verify::format_retention_path(verify::retention_path(*in_registry));
  EXPECT_NE(text.find("held from outside the heap: " + kPrefix + "Registry"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  -[entries]-> " + kPrefix + "Entry"), std::string::npos)
      << text;
  if (verify::kEnabled) {
    EXPECT_EQ(path.steps[0].site, verify::site_of(*alone));
    EXPECT_NE(path.steps[0].site.find("introspect_test.cpp:"),
              std::string::npos);
  } else {
    EXPECT_EQ(path.steps[0].site, "");
  }
}

TEST_F(IntrospectTest, RetentionPathOfUnreachableCyclicGarbage) {
  Node* target;
  {
    Ref<Node> a = make<Node>(1);
    a->next = make<Node>(2);
    a->next->next = make<Node>(3);
    a->next->next->next = a;           // a three-node ring...
    a->kids.push_back(make<Node>(4));  // ... holding a fourth node
    target = a->kids[0].get();
  }
  verify::RetentionPath path = verify::retention_path(*target);
  EXPECT_FALSE(path.rooted);
  ASSERT_GE(path.steps.size(), 2u);
  EXPECT_EQ(path.steps.back().field, "kids");
  EXPECT_NE(verify::format_retention_path(path).find(
                "held only by unreachable cyclic garbage"),
            std::string::npos);
  EXPECT_EQ(gc::collect(), 4u);
}

TEST_F(IntrospectTest, RetentionPathsOfManyObjectsIgnoreTheirOwnHandles) {
  Ref<Registry> registry = make<Registry>();
  for (int i = 0; i < 3; ++i) registry->entries.push_back(make<Entry>());
  std::vector<Ref<Object>> all = gc::get_objects();
  std::vector<verify::RetentionPath> paths = verify::retention_paths(all);
  ASSERT_EQ(paths.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].get() == registry.get()) {
      EXPECT_EQ(paths[i].steps.size(), 1u);
    } else if (dynamic_cast<Entry*>(all[i].get())) {
      EXPECT_EQ(fields_of(paths[i]), (std::vector<std::string>{"", "entries"}));
    }
  }
  std::vector<verify::RetentionPath> none =
      verify::retention_paths({Ref<Object>()});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_TRUE(none[0].steps.empty());
}

TEST_F(IntrospectTest, RetentionPathOnALargeHeap) {
  Ref<Registry> registry = make<Registry>();
  constexpr int kEntries = 100000;
  registry->entries.reserve(kEntries);
  for (int i = 0; i < kEntries; ++i) registry->entries.push_back(make<Entry>());
  verify::RetentionPath path =
      verify::retention_path(*registry->entries.back());
  EXPECT_EQ(fields_of(path), (std::vector<std::string>{"", "entries"}));
}

TEST_F(IntrospectTest, BackrefsDotShowsHoldersUpToDepth) {
  Ref<Cache> cache = make<Cache>();
  Ref<Entry> entry = make<Entry>();
  cache->buckets.push_back(make<Bucket>());
  cache->buckets[0]->entry = entry;
  std::ostringstream deep;
  verify::write_backrefs_dot(deep, *entry);
  std::string dot = deep.str();
  EXPECT_EQ(dot.rfind("digraph backrefs {", 0), 0u) << dot;
  EXPECT_NE(dot.find("o1 -> o0 [label=\"entry\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("o2 -> o1 [label=\"buckets\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("Cache"), std::string::npos);
  EXPECT_NE(dot.find("held from outside the heap\", peripheries=2"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("style=filled"), std::string::npos);

  std::ostringstream shallow;
  verify::write_backrefs_dot(shallow, *entry, 1);
  EXPECT_EQ(shallow.str().find("Cache"), std::string::npos) << shallow.str();
  EXPECT_NE(shallow.str().find("Bucket"), std::string::npos) << shallow.str();
}

TEST_F(IntrospectTest, SizesAndTracedMemory) {
  verify::reset_peak();
  verify::TracedMemory start = verify::get_traced_memory();
  EXPECT_EQ(start.peak, start.current);
  verify::Snapshot before = verify::Snapshot::take();
  std::vector<Ref<Entry>> entries;
  for (int i = 0; i < 10; ++i) entries.push_back(make<Entry>());
  std::size_t bytes = verify::sizeof_object(*entries[0]);
  verify::TracedMemory grown = verify::get_traced_memory();
  std::vector<verify::StatisticDiff> diff =
      verify::Snapshot::take().compare_to(before);
  ASSERT_FALSE(diff.empty());
  EXPECT_EQ(diff[0].type, kPrefix + "Entry");
  EXPECT_EQ(diff[0].count_diff, 10);
  EXPECT_EQ(diff[0].size_diff, static_cast<std::ptrdiff_t>(10 * bytes));
  EXPECT_EQ(diff[0].size, 10 * bytes);
  entries.clear();
  verify::TracedMemory after = verify::get_traced_memory();
  if (!verify::kEnabled) {
    EXPECT_EQ(bytes, 0u);
    EXPECT_EQ(grown.current, 0u);
    EXPECT_EQ(grown.peak, 0u);
    return;
  }
  // sizeof(Entry) rounded up to the pool's 16-byte size class.
  std::size_t expected =
      (sizeof(Entry) + pool::kGranule - 1) / pool::kGranule * pool::kGranule;
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(grown.current, start.current + 10 * bytes);
  EXPECT_EQ(grown.peak, grown.current);
  EXPECT_EQ(after.current, start.current);
  EXPECT_EQ(after.peak, grown.peak);
  verify::reset_peak();
  EXPECT_EQ(verify::get_traced_memory().peak, start.current);
  std::vector<verify::Statistic> stats = verify::Snapshot::take().statistics();
  for (const verify::Statistic& s : stats)
    EXPECT_EQ(s.size % pool::kGranule, 0u);

  // Beyond the pool, the object's own size.
  struct Big : Object {
    char bytes[1000] = {};
  };
  Ref<Big> big = make<Big>();
  EXPECT_EQ(verify::sizeof_object(*big), sizeof(Big));
}

TEST_F(IntrospectTest, IntrospectionFromTraceIsRefused) {
  struct Nosy : Object {
    bool* refused;
    explicit Nosy(bool* r) : refused(r) {}
    void trace(Tracer&) override {
      try {
        (void)gc::get_objects();
      } catch (const std::logic_error&) {
        *refused = true;
      }
    }
  };
  bool refused = false;
  Ref<Nosy> nosy = make<Nosy>(&refused);
  gc::collect();
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace tenure::test
