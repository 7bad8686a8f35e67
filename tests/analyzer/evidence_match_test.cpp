// Matching runtime evidence to findings: the names both halves spell, and
// the rules the end-to-end tests in evidence_test.py do not reach.
#include "analyzer/model/EvidenceMatch.h"

#include "gtest/gtest.h"

namespace tenure::analyzer {
namespace {

TEST(EvidenceMatch, TypeNamesAsBothHalvesSpellThem) {
  // Clang's name with the analyzer's file tag, the C++ ABI's demangling.
  EXPECT_EQ(comparableTypeName("Ring@/src/a.cpp"), "Ring");
  EXPECT_EQ(comparableTypeName("(anonymous namespace)::Ring"), "Ring");
  EXPECT_EQ(comparableTypeName("app::(anonymous namespace)::Box<int, char>"),
            "app::Box<int,char>");
  EXPECT_EQ(comparableTypeName("{anonymous}::Ring"), "Ring");
  EXPECT_NE(comparableTypeName("app::Ring"), comparableTypeName("Ring"));
}

TEST(EvidenceMatch, SameFileAcrossRelativeAndAbsolutePaths) {
  EXPECT_TRUE(sameFile("/w/src/a.cpp", "/w/src/a.cpp"));
  EXPECT_TRUE(sameFile("src/a.cpp", "/w/src/a.cpp"));
  EXPECT_TRUE(sameFile("/w/src/a.cpp", "a.cpp"));
  EXPECT_TRUE(sameFile("../../src/a.cpp", "/w/src/a.cpp"));
  EXPECT_TRUE(sameFile("./src/a.cpp", "src/a.cpp"));
  EXPECT_FALSE(sameFile("../../lib/a.cpp", "/w/src/a.cpp"));
  EXPECT_FALSE(sameFile("/w/src/ba.cpp", "a.cpp"));
  EXPECT_FALSE(sameFile("/w/src/a.cpp", "/w/lib/a.cpp"));
}

Finding cycle(std::vector<std::string> Types, std::vector<std::string> Fields) {
  Finding F;
  F.Check = "tenure-ref-cycle";
  F.Loc = {"/w/a.cpp", 10, 3};
  F.Types = std::move(Types);
  F.Fields = std::move(Fields);
  return F;
}

MatchSummary match(std::vector<Finding> &Findings, const Evidence &E,
                   const Facts &F = {}) {
  return matchEvidence(Findings, E, F,
                       [](llvm::StringRef) { return llvm::StringRef(); });
}

TEST(EvidenceMatch, CycleInAnyRotationWithFieldsByTheirTraceNames) {
  std::vector<Finding> Findings = {cycle({"A", "B"}, {"b_", "a"}),
                                   cycle({"A", "C"}, {"c", "a"})};
  Evidence E;
  E.Cycles.push_back({{"B", "A"}, {"a", "b"}, 4, {}, {"T.x"}});
  MatchSummary S = match(Findings, E);
  ASSERT_TRUE(Findings[0].Confirmed);
  EXPECT_EQ(Findings[0].Confirmed->Summary, "4 cycles in 1 test");
  EXPECT_FALSE(Findings[1].Confirmed);
  EXPECT_EQ(S.RecordsUsed, 1u);
}

TEST(EvidenceMatch, FieldsThatAgreeWinOverTypesAlone) {
  // Two findings on the same pair of types through different fields.
  std::vector<Finding> Findings = {cycle({"A", "B"}, {"b", "owner"}),
                                   cycle({"A", "B"}, {"b", "parent"})};
  Evidence E;
  E.Cycles.push_back({{"A", "B"}, {"b", "parent"}, 1, {}, {"T.x"}});
  match(Findings, E);
  EXPECT_FALSE(Findings[0].Confirmed);
  EXPECT_TRUE(Findings[1].Confirmed);
}

Facts recordsAndFields(
    std::vector<std::pair<std::string, std::vector<std::string>>> Records,
    std::vector<std::pair<std::string, std::string>> Fields = {}) {
  Facts F;
  unsigned Line = 1;
  for (auto &[Name, Bases] : Records)
    F.Records.push_back({Name, {"/w/a.h", Line++, 7}, Bases});
  for (auto &[Owner, Name] : Fields) {
    FieldFact Field;
    Field.Owner = Owner;
    Field.Field = Name;
    Field.Loc = {"/w/a.h", Line++, 20};
    F.Fields.push_back(Field);
  }
  return F;
}

TEST(EvidenceMatch, TypesAloneDoNotMatchAnotherCycleThroughKnownFields) {
  // The runtime names real fields of A and B: the leak is another cycle
  // through the same types, reported on its own, not this finding.
  std::vector<Finding> Findings = {cycle({"A", "B"}, {"child", "parent"})};
  Facts F = recordsAndFields(
      {{"A", {}}, {"B", {}}},
      {{"A", "child"}, {"B", "parent"}, {"A", "other"}, {"B", "peer"}});
  Evidence E;
  E.Cycles.push_back({{"A", "B"}, {"other", "peer"}, 7, {}, {"T.x"}});
  MatchSummary S = match(Findings, E, F);
  EXPECT_FALSE(Findings[0].Confirmed);
  ASSERT_EQ(S.RuntimeOnly.size(), 1u);
  // Trace labels that are no field's name still let the types decide.
  E.Cycles.front().Fields = {"kids", "up"};
  S = match(Findings, E, F);
  EXPECT_TRUE(Findings[0].Confirmed);
}

TEST(EvidenceMatch, RuntimeObjectsOfASubclassMatchTheBase) {
  std::vector<Finding> Findings = {
      cycle({"Window", "Widget"}, {"widgets", "window"})};
  Facts F = recordsAndFields(
      {{"Window", {}}, {"Widget", {}}, {"Button", {"Widget"}}});
  Evidence E;
  E.Cycles.push_back(
      {{"Button", "Window"}, {"window", "widgets"}, 2, {}, {"T.x"}});
  MatchSummary S = match(Findings, E, F);
  EXPECT_TRUE(Findings[0].Confirmed);
  EXPECT_TRUE(S.RuntimeOnly.empty());
}

TEST(EvidenceMatch, UntracedCycleNeedsSurvivorsOfEveryTypeInOneTest) {
  std::vector<Finding> Findings = {
      cycle({"Session"}, {"on_close"}), cycle({"A", "B"}, {"b", "a"}),
      cycle({"C", "D"}, {"d", "c"}), cycle({"P", "Q"}, {"q", "p"})};
  for (Finding &Item : Findings)
    Item.UntracedEdge = true;
  Findings[3].UntracedEdge = false;
  Evidence E;
  E.Growth.push_back({"Session", "", 3, "T.x"});
  E.Growth.push_back({"A", "", 1, "T.y"});
  E.Growth.push_back({"C", "", 1, "T.c"});
  E.Growth.push_back({"D", "", 1, "T.d"});
  E.Growth.push_back({"P", "", 1, "T.p"});
  E.Growth.push_back({"Q", "", 1, "T.p"});
  match(Findings, E);
  ASSERT_TRUE(Findings[0].Confirmed);
  EXPECT_EQ(Findings[0].Confirmed->Summary,
            "3 'Session' objects outlived 1 test");
  EXPECT_FALSE(Findings[1].Confirmed) << "no B outlived its test";
  EXPECT_FALSE(Findings[2].Confirmed) << "C and D in different tests";
  EXPECT_FALSE(Findings[3].Confirmed)
      << "a traced cycle is confirmed by cycles, not by survivors";
}

Finding cache(std::string Key, std::vector<std::string> Held) {
  Finding F;
  F.Check = "tenure-unbounded-cache";
  F.Loc = {"/w/a.cpp", 20, 3};
  F.Key = std::move(Key);
  F.Types = std::move(Held);
  return F;
}

TEST(EvidenceMatch, HoldersDecideWhichContainerGrowthConfirms) {
  // app::Cache::entries_ and app::Registry::entries_ (both tenure::Objects)
  // and a global vector hold Entries.
  Facts F = recordsAndFields(
      {{"app::Cache", {"tenure::Object"}},
       {"app::Registry", {"tenure::Object"}},
       {"app::Entry", {"tenure::Object"}}},
      {{"app::Cache", "entries_"}, {"app::Registry", "entries_"}});
  std::vector<Finding> Findings = {
      cache("app::Cache::entries_", {"app::Entry"}),
      cache("app::all_entries", {"app::Entry"})};
  EvidenceGrowth ByRegistry{"app::Entry", "", 30, "T.registry", {}};
  ByRegistry.Holders = {
      {{"app::Registry", "app::Entry"}, {"", "entries_"}, 16}};
  Evidence E;
  E.Growth.push_back(ByRegistry);
  match(Findings, E, F);
  EXPECT_FALSE(Findings[0].Confirmed) << "the registry holds them";
  EXPECT_FALSE(Findings[1].Confirmed) << "something on the heap holds them";

  // Half of the sample through the cache (named without the trailing '_'),
  // half held from outside the heap: each container gets its share.
  EvidenceGrowth Mixed{"app::Entry", "", 20, "T.cache", {}};
  Mixed.Holders = {{{"app::Cache", "app::Entry"}, {"", "entries"}, 8},
                   {{"app::Entry"}, {""}, 8}};
  E.Growth.push_back(Mixed);
  Findings = {cache("app::Cache::entries_", {"app::Entry"}),
              cache("app::all_entries", {"app::Entry"})};
  match(Findings, E, F);
  ASSERT_TRUE(Findings[0].Confirmed);
  EXPECT_EQ(Findings[0].Confirmed->Summary,
            "10 'app::Entry' objects outlived 1 test");
  ASSERT_TRUE(Findings[1].Confirmed);
  EXPECT_EQ(Findings[1].Confirmed->Tests, std::vector<std::string>{"T.cache"});

  // Growth without holders (outside verification mode) matches by type.
  E.Growth = {{"app::Entry", "", 7, "T.old", {}}};
  Findings = {cache("app::Cache::entries_", {"app::Entry"})};
  match(Findings, E, F);
  ASSERT_TRUE(Findings[0].Confirmed);
  EXPECT_EQ(Findings[0].Confirmed->Count, 7u);
}

TEST(EvidenceMatch, RuntimeOnlyNeedsDeclaredTypes) {
  std::vector<Finding> Findings;
  Facts F;
  F.Records.push_back({"Node", {"/w/node.h", 4, 7}, {}});
  FieldFact Next;
  Next.Owner = "Node";
  Next.Field = "next_";
  Next.Target = "Node";
  Next.Loc = {"/w/node.h", 6, 21};
  F.Fields.push_back(Next);
  Evidence E;
  E.Cycles.push_back({{"Node"}, {"next"}, 2, {}, {"T.x", "T.y"}});
  E.Cycles.push_back({{"Other"}, {"x"}, 1, {}, {"T.z"}});
  MatchSummary S = match(Findings, E, F);
  ASSERT_EQ(S.RuntimeOnly.size(), 1u);
  const Finding &R = S.RuntimeOnly.front();
  EXPECT_TRUE(R.RuntimeOnly);
  EXPECT_EQ(R.Loc.Line, 4u);
  ASSERT_EQ(R.Notes.size(), 1u);
  EXPECT_EQ(R.Notes[0].Loc.Line, 6u);
  EXPECT_EQ(R.Confirmed->Summary, "2 cycles in 2 tests");
  ASSERT_EQ(S.UnknownCycles.size(), 1u);
  EXPECT_EQ(S.UnknownCycles[0], "Other -x-> Other");
}

} // namespace
} // namespace tenure::analyzer

namespace tenure::analyzer {
namespace {

EvidenceLeak leak(std::vector<std::string> Cycle,
                  std::vector<std::string> Tests) {
  EvidenceLeak L;
  L.Types = Cycle;
  L.Cycle = std::move(Cycle);
  L.Count = 1;
  L.Blocks = 3;
  L.Tests = std::move(Tests);
  return L;
}

TEST(EvidenceMatchLeaks, ALeakedPointerCycleThroughEveryTypeConfirms) {
  // A std::shared_ptr parent/child cycle stored through a vector's buffer,
  // and a self-capturing callback stored through a std::function.
  std::vector<Finding> Findings = {
      cycle({"app::Child", "app::Parent"}, {"parent_", "children_"}),
      cycle({"app::Timer"}, {"on_fire_"}),
      cycle({"app::Child", "app::Other"}, {"other_", "child_"})};
  Evidence E;
  E.Leaks.push_back(leak({"(anonymous namespace)::Unrelated"}, {"T.c"}));
  E.Leaks.push_back(leak(
      {"app::Child", "app::Parent", "std::shared_ptr<app::Child>"}, {"T.a"}));
  E.Leaks.push_back(
      leak({"app::Timer", "app::Timer::arm()::<lambda()>"}, {"T.b"}));
  E.Leaks.push_back(
      leak({"app::Timer", "app::Timer::arm()::<lambda()>"}, {"T.b2"}));
  EvidenceLeak Plain = leak({}, {"T.d"});
  Plain.Types = {"app::Other", "app::Child"}; // leaked, but on no cycle
  E.Leaks.push_back(Plain);
  MatchSummary S = match(Findings, E);
  ASSERT_TRUE(Findings[0].Confirmed);
  EXPECT_EQ(Findings[0].Confirmed->Summary,
            "1 cycle in 1 test, seen by LeakSanitizer");
  ASSERT_TRUE(Findings[1].Confirmed);
  EXPECT_EQ(Findings[1].Confirmed->Summary,
            "2 cycles in 2 tests, seen by LeakSanitizer");
  EXPECT_FALSE(Findings[2].Confirmed); // its types leaked, not on a cycle
  EXPECT_EQ(S.RecordsUsed, 3u);
  // No finding explains the unrelated one and nothing declares its type.
  ASSERT_EQ(S.UnknownCycles.size(), 1u);
  EXPECT_TRUE(S.RuntimeOnly.empty());
}

TEST(EvidenceMatchLeaks,
     ALeakedCycleOfDeclaredTypesNoFindingExplainsIsRuntimeOnly) {
  std::vector<Finding> Findings;
  Facts F = recordsAndFields({{"app::Node", {}}});
  Evidence E;
  E.Leaks.push_back(leak({"app::Node", "std::shared_ptr<app::Node>"}, {"T.a"}));
  MatchSummary S = match(Findings, E, F);
  ASSERT_EQ(S.RuntimeOnly.size(), 1u);
  const Finding &R = S.RuntimeOnly[0];
  EXPECT_TRUE(R.RuntimeOnly);
  EXPECT_EQ(R.Loc.File, "/w/a.h");
  EXPECT_EQ(R.Types, (std::vector<std::string>{"app::Node"}));
  EXPECT_NE(R.Message.find("'app::Node' leaked in a pointer cycle"),
            std::string::npos)
      << R.Message;
  EXPECT_TRUE(S.UnknownCycles.empty());
}

} // namespace
} // namespace tenure::analyzer
