// The judgement of tenure-unbounded-cache on hand-built facts: owners and
// their lifetimes, levels of a nest, reset-only clears, closures and the
// stores that keep them, and how facts of several TUs combine.
#include "analyzer/model/CacheFinder.h"

#include "gtest/gtest.h"

namespace tenure::analyzer {
namespace {

Location at(const std::string &File, unsigned Line) { return {File, Line, 1}; }

ContainerFact member(std::string Key, std::string Owner, unsigned Depth = 0) {
  ContainerFact C;
  C.Key = std::move(Key);
  C.Type = "std::map<int, int>";
  C.Loc = at("types.h", 10 + Depth);
  C.Depth = Depth;
  C.Keyed = true;
  C.OwnerRecord = std::move(Owner);
  C.Methods = {"c:@S@Owner@F@put#I#", "c:@S@Owner@F@reset#"};
  C.DefinedMethods = C.Methods;
  return C;
}

ContainerUseFact use(std::string Key, unsigned Line, ContainerUseKind Kind,
                     std::string Function = "Owner::put") {
  ContainerUseFact U;
  U.Key = std::move(Key);
  U.Loc = at("code.cpp", Line);
  U.Kind = Kind;
  U.Function = std::move(Function);
  U.OnlyOnReset = llvm::StringRef(U.Function).contains("reset");
  return U;
}

LifetimeFact staticHolds(std::string Record, std::string Var) {
  return {std::move(Record), LifetimeKind::StaticObject, std::move(Var),
          at("code.cpp", 1)};
}

TEST(CacheFinder, AMemberOfAnOrdinaryClassNeedsCacheUse) {
  Facts F;
  F.Containers = {member("Owner::table_", "Owner")};
  F.ContainerUses = {use("Owner::table_", 20, ContainerUseKind::Insert)};
  EXPECT_TRUE(findUnboundedCaches(F, true).empty());

  // Its owner made by a static: long-lived, reported with why.
  F.Lifetimes = {staticHolds("Owner", "Owner::instance::one")};
  std::vector<CacheFinding> Found = findUnboundedCaches(F, true);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Key, "Owner::table_");
  EXPECT_EQ(Found[0].Loc, at("code.cpp", 20));
  ASSERT_GE(Found[0].Notes.size(), 2u);
  EXPECT_EQ(Found[0].Notes[1].Message,
            "'Owner' lives as long as the program: 'Owner::instance::one' "
            "holds one");

  // Or the memo pattern, without a long-lived owner.
  F.Lifetimes.clear();
  F.ContainerUses[0].Memo = true;
  EXPECT_EQ(findUnboundedCaches(F, true).size(), 1u);
}

TEST(CacheFinder, LifetimeFollowsHolders) {
  Facts F;
  F.Containers = {member("Journal::lines_", "Journal")};
  F.ContainerUses = {use("Journal::lines_", 20, ContainerUseKind::Insert)};
  F.Lifetimes = {
      {"Journal", LifetimeKind::HeldBy, "Services", at("types.h", 3)},
      staticHolds("Services", "services")};
  std::vector<CacheFinding> Found = findUnboundedCaches(F, true);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Notes[1].Message,
            "'Journal' lives as long as the program: 'Services' holds a "
            "'Journal', and 'services' holds one");
}

TEST(CacheFinder, LevelsAreJudgedOnTheirOwn) {
  Facts F;
  F.Containers = {member("Owner::cache_", "Owner", 0),
                  member("Owner::cache_[]", "Owner", 1)};
  for (ContainerFact &C : F.Containers)
    C.CacheName = true;
  F.ContainerUses = {
      use("Owner::cache_", 20, ContainerUseKind::Insert),
      use("Owner::cache_[]", 21, ContainerUseKind::Insert),
      use("Owner::cache_", 30, ContainerUseKind::Erase, "Owner::drop")};
  // Pruning the outer level does not bound the inner one.
  std::vector<CacheFinding> Found = findUnboundedCaches(F, true);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Key, "Owner::cache_[]");
  EXPECT_EQ(Found[0].Loc, at("code.cpp", 21));

  // Emptying the outer level on the way the program runs empties both.
  F.ContainerUses.push_back(
      use("Owner::cache_", 31, ContainerUseKind::Clear, "Owner::tick"));
  EXPECT_TRUE(findUnboundedCaches(F, true).empty());
}

TEST(CacheFinder, AClearOnlyResetReachesIsSaidSo) {
  Facts F;
  F.Containers = {member("Owner::memo_", "Owner")};
  F.Containers[0].CacheName = true;
  F.ContainerUses = {
      use("Owner::memo_", 20, ContainerUseKind::Insert),
      use("Owner::memo_", 40, ContainerUseKind::Clear, "Owner::reset")};
  std::vector<CacheFinding> Found = findUnboundedCaches(F, true);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_NE(Found[0].Message.find("only grows between resets"),
            std::string::npos);
  EXPECT_NE(Found[0].Message.find("only 'Owner::reset()' clears it"),
            std::string::npos);

  // A destructor's clear is no bound, and no reset either.
  F.ContainerUses[1].Function = "Owner::~Owner";
  F.ContainerUses[1].InDestructor = true;
  Found = findUnboundedCaches(F, true);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Message.find("between resets"), std::string::npos);
}

TEST(CacheFinder, FiniteKeysAndBoundedInsertionsAreQuiet) {
  Facts F;
  F.Containers = {member("Owner::byStage_", "Owner")};
  F.Lifetimes = {staticHolds("Owner", "one")};
  F.ContainerUses = {use("Owner::byStage_", 20, ContainerUseKind::Insert)};
  F.Containers[0].FiniteKeys = true;
  EXPECT_TRUE(findUnboundedCaches(F, true).empty());
  F.Containers[0].FiniteKeys = false;
  F.ContainerUses[0].Bounded = true;
  EXPECT_TRUE(findUnboundedCaches(F, true).empty());
}

TEST(CacheFinder, AClosureTableNeedsAStoreThatKeepsTheClosure) {
  Facts F;
  ContainerFact Table;
  Table.Key = "memoize::table@memo.h";
  Table.Type = "std::map<int, int>";
  Table.Loc = at("memo.h", 5);
  Table.Local = true;
  Table.Factory = "c:@FT@>1#Tmemoize";
  Table.FactoryName = "memoize";
  F.Containers = {Table};
  F.ContainerUses = {
      use("memoize::table@memo.h", 9, ContainerUseKind::Insert, "memoize")};
  // Used and dropped: the table dies with the closure.
  EXPECT_TRUE(findUnboundedCaches(F, false).empty());
  // A store from another TU, merged in, keeps it.
  Facts Other;
  Other.ClosureStores = {
      {"c:@FT@>1#Tmemoize", "Engine::rho_", at("engine.cpp", 30)}};
  Facts All = mergeFacts({F, Other});
  std::vector<CacheFinding> Found = findUnboundedCaches(All, true);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Key, "memoize::table");
  EXPECT_EQ(Found[0].Notes[1].Message,
            "the closure 'memoize' returns owns it; it is kept in "
            "'Engine::rho_' here");
}

TEST(CacheFinder, NewFactsSurviveJSON) {
  Facts F;
  F.Containers = {member("Owner::cache_[]", "Owner", 1)};
  F.Containers[0].FiniteKeys = true;
  F.ContainerUses = {
      use("Owner::cache_[]", 20, ContainerUseKind::Clear, "Owner::reset")};
  F.Lifetimes = {staticHolds("Owner", "one")};
  F.ClosureStores = {{"c:@F@make", "Engine::f_", at("e.cpp", 3)}};
  llvm::Expected<Facts> Back = factsFromJSON(toJSON(F), "test");
  ASSERT_TRUE(static_cast<bool>(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->Containers.size(), 1u);
  EXPECT_EQ(Back->Containers[0].Depth, 1u);
  EXPECT_TRUE(Back->Containers[0].FiniteKeys);
  EXPECT_EQ(Back->Containers[0].OwnerRecord, "Owner");
  ASSERT_EQ(Back->ContainerUses.size(), 1u);
  EXPECT_EQ(Back->ContainerUses[0].Kind, ContainerUseKind::Clear);
  EXPECT_TRUE(Back->ContainerUses[0].OnlyOnReset);
  ASSERT_EQ(Back->Lifetimes.size(), 1u);
  EXPECT_EQ(Back->Lifetimes[0].Kind, LifetimeKind::StaticObject);
  ASSERT_EQ(Back->ClosureStores.size(), 1u);
  EXPECT_EQ(Back->ClosureStores[0].Into, "Engine::f_");
}

} // namespace
} // namespace tenure::analyzer
