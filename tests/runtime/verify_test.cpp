// Cycle reports, DOT graphs, snapshots, and what verification mode records
// (or, built without it, does not cost).
#include "tenure/verify.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tenure/cycles.h"
#include "tenure/snapshot.h"
#include "test_types.h"

namespace tenure::test {
namespace {

struct Section;
struct Doc : Object {
  std::vector<Ref<Section>> sections;
  void trace(Tracer& t) override { t("sections", sections); }
};
struct Section : Object {
  Ref<Doc> doc;
  void trace(Tracer& t) override { t("doc", doc); }
};

// The objects a full collection finds, kept alive for inspection.
std::vector<Ref<Object>> collect_saved() {
  gc::set_debug(gc::kSaveAll);
  gc::collect();
  gc::set_debug(0);
  std::vector<Ref<Object>> found = std::move(gc::garbage());
  gc::garbage().clear();
  return found;
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override { gc::collect(); }
  void TearDown() override {
    gc::set_debug(0);
    gc::garbage().clear();
    gc::collect();
  }
};

TEST_F(VerifyTest, CycleReportNamesTypesAndFields) {
  int doc_line = __LINE__ + 1;
  Ref<Doc> doc = make<Doc>();
  for (int i = 0; i < 2; ++i) {
    doc->sections.push_back(make<Section>());
    doc->sections.back()->doc = doc;
  }
  doc.reset();
  std::vector<verify::Cycle> cycles = verify::find_cycles(collect_saved());
  ASSERT_EQ(cycles.size(), 1u);
  const verify::Cycle& cycle = cycles[0];
  EXPECT_EQ(cycle.types, (std::vector<std::string>{
                             "tenure::test::(anonymous namespace)::Doc",
                             "tenure::test::(anonymous namespace)::Section"}));
  EXPECT_EQ(cycle.fields, (std::vector<std::string>{"sections", "doc"}));
  EXPECT_EQ(cycle.count, 1u);
  EXPECT_EQ(cycle.objects, 3u);
  std::string report = verify::format_cycles(cycles);
  EXPECT_NE(
      report.find(
          "Doc -[sections]-> tenure::test::(anonymous namespace)::Section "
          "-[doc]-> tenure::test::(anonymous namespace)::Doc (1 time, 3 "
          "objects)"),
      std::string::npos)
      << report;
  if (verify::kEnabled) {
    std::string site = std::string(__FILE__) + ":" + std::to_string(doc_line);
    ASSERT_FALSE(cycle.sites.empty());
    EXPECT_EQ(cycle.sites[0], site);
    EXPECT_NE(report.find("made at: " + site), std::string::npos) << report;
  } else {
    EXPECT_TRUE(cycle.sites.empty());
  }
}

TEST_F(VerifyTest, EqualShapesAreGroupedAndAcyclicGarbageIsNoCycle) {
  for (int i = 0; i < 5; ++i) {
    Ref<Node> a = make<Node>();
    a->next = make<Node>();
    a->next->next = a;
    a->kids.push_back(make<Node>());  // garbage, but in no cycle
  }
  std::vector<Ref<Object>> found = collect_saved();
  EXPECT_EQ(found.size(), 15u);
  std::vector<verify::Cycle> cycles = verify::find_cycles(found);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].count, 5u);
  EXPECT_EQ(cycles[0].objects, 10u);
  // Node -[next]-> Node -[next]-> Node: a two-object ring of one type is
  // the same shape as one object pointing at itself, reduced to one step.
  EXPECT_EQ(cycles[0].fields, std::vector<std::string>{"next"});
}

TEST_F(VerifyTest, MillionObjectRingIsOneShortShape) {
  constexpr int kLength = 1000000;
  {
    Ref<Node> head = make<Node>();
    Node* tail = head.get();
    for (int i = 1; i < kLength; ++i) {
      tail->next = make<Node>();
      tail = tail->next.get();
    }
    tail->next = head;
  }
  std::vector<verify::Cycle> cycles = verify::find_cycles(collect_saved());
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].types.size(), 1u);  // Node -[next]-> Node
  EXPECT_EQ(cycles[0].fields, std::vector<std::string>{"next"});
  EXPECT_EQ(cycles[0].objects, static_cast<std::size_t>(kLength));
}

TEST_F(VerifyTest, DotGraphOfAnObjectAndOfACycle) {
  Ref<Doc> doc = make<Doc>();
  doc->sections.push_back(make<Section>());
  doc->sections[0]->doc = doc;
  std::ostringstream reached;
  verify::write_dot(reached, Ref<Object>(doc));
  std::string dot = reached.str();
  EXPECT_EQ(dot.rfind("digraph tenure {", 0), 0u) << dot;
  EXPECT_NE(dot.find("o0 -> o1 [label=\"sections\"];"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find("o1 -> o0 [label=\"doc\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("Section"), std::string::npos) << dot;
  doc->sections.clear();
}

TEST_F(VerifyTest, SnapshotsCountAndCompareByTypeAndSite) {
  verify::Snapshot before = verify::Snapshot::take();
  std::vector<Ref<Node>> kept;
  for (int i = 0; i < 3; ++i) kept.push_back(make<Node>());
  Ref<Doc> doc = make<Doc>();
  verify::Snapshot after = verify::Snapshot::take();
  std::vector<verify::StatisticDiff> diff = after.compare_to(before);
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff[0].type, "tenure::test::Node");
  EXPECT_EQ(diff[0].count_diff, 3);
  EXPECT_EQ(diff[0].count, 3u);
  EXPECT_EQ(diff[1].count_diff, 1);
  EXPECT_EQ(after.statistics()[0].count, 3u);
  kept.clear();
  doc.reset();
  std::vector<verify::StatisticDiff> back =
      verify::Snapshot::take().compare_to(after);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].count_diff, -3);
  if (verify::kEnabled) {
    EXPECT_NE(diff[0].site.find("verify_test.cpp:"), std::string::npos);
  } else {
    EXPECT_EQ(diff[0].site, "");
  }
}

#if TENURE_VERIFY
TEST_F(VerifyTest, CopiesAreCountedBySite) {
  verify::reset_copy_counts();
  Ref<Node> node = make<Node>();
  int line = __LINE__ + 2;
  for (int i = 0; i < 4; ++i) {
    Ref<Node> copy = node;
    (void)copy;
  }
  Ref<Node> assigned;
  assigned = node;  // an assignment cannot know its site
  std::vector<verify::CopySite> copies = verify::copy_counts();
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_EQ(copies[0].site, std::string(__FILE__) + ":" + std::to_string(line));
  EXPECT_EQ(copies[0].count, 4u);
  EXPECT_EQ(copies[1].site, "");
  EXPECT_EQ(copies[1].count, 1u);
}

TEST_F(VerifyTest, SnapshotOfObjectsMadeSinceAMark) {
  std::vector<Ref<Node>> kept;
  for (int i = 0; i < 3; ++i) kept.push_back(make<Node>());
  std::uint64_t mark = verify::allocation_count();
  // Replacing objects keeps the live count level, but the new ones are
  // still objects made since the mark.
  for (Ref<Node>& node : kept) node = make<Node>();
  Ref<Doc> doc = make<Doc>();
  verify::Snapshot since = verify::Snapshot::take(mark);
  ASSERT_EQ(since.statistics().size(), 2u);
  EXPECT_EQ(since.statistics()[0].type, "tenure::test::Node");
  EXPECT_EQ(since.statistics()[0].count, 3u);
  EXPECT_EQ(since.statistics()[1].count, 1u);
  EXPECT_TRUE(
      verify::Snapshot::take().compare_to(verify::Snapshot::take()).empty());
}

TEST_F(VerifyTest, SiteOfAnObjectIsWhereMakeWasCalled) {
  int line = __LINE__ + 1;
  Ref<Derived> d = make<Derived>(7);
  EXPECT_EQ(verify::site_of(*d),
            std::string(__FILE__) + ":" + std::to_string(line));
}
#else
TEST_F(VerifyTest, OffCostsNothing) {
  // No bytes: a handle is a pointer, the header is 16 bytes past the vtable.
  static_assert(sizeof(Ref<Node>) == sizeof(void*));
  static_assert(sizeof(Object) == sizeof(void*) + 16);
  // No counters, no sites.
  Ref<Node> node = make<Node>();
  Ref<Node> copy = node;
  EXPECT_TRUE(verify::copy_counts().empty());
  EXPECT_EQ(verify::site_of(*node), "");
}
#endif

}  // namespace
}  // namespace tenure::test
