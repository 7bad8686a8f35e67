// Matching runtime evidence to findings: the names both halves spell, and
// the rules the end-to-end tests in evidence_test.py do not reach.
#include "analyzer/EvidenceMatch.h"

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
  std::vector<Finding> Findings = {
      cycle({"A", "B"}, {"b_", "a"}), cycle({"A", "C"}, {"c", "a"})};
  Evidence E;
  E.Cycles.push_back({{"B", "A"}, {"a", "b"}, 4, {}, {"T.x"}});
  MatchSummary S = match(Findings, E);
  ASSERT_TRUE(Findings[0].Confirmed);
  EXPECT_EQ(Findings[0].Confirmed->Summary, "4 cycles in 1 test");
  EXPECT_FALSE(Findings[1].Confirmed);
  EXPECT_EQ(S.Confirmed, 1u);
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

TEST(EvidenceMatch, UntracedCycleNeedsSurvivorsOfEveryType) {
  std::vector<Finding> Findings = {cycle({"Session"}, {"on_close"}),
                                   cycle({"A", "B"}, {"b", "a"})};
  Evidence E;
  E.Growth.push_back({"Session", "", 3, "T.x"});
  E.Growth.push_back({"A", "", 1, "T.y"});
  match(Findings, E);
  ASSERT_TRUE(Findings[0].Confirmed);
  EXPECT_EQ(Findings[0].Confirmed->Summary,
            "3 'Session' objects outlived 1 test");
  EXPECT_FALSE(Findings[1].Confirmed) << "no B outlived its test";
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
