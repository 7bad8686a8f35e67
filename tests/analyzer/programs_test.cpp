//===- programs_test.cpp - Which units the merge step joins ---------------===//

#include "analyzer/driver/Programs.h"

#include "gtest/gtest.h"

using namespace tenure::analyzer;

namespace {

std::vector<std::vector<size_t>> members(const std::vector<UnitGroup> &G) {
  std::vector<std::vector<size_t>> Out;
  for (const UnitGroup &U : G)
    Out.push_back(U.Units);
  return Out;
}

TEST(Programs, AUnitInSeveralProgramsIsInEach) {
  ProgramList L{"p.json",
                {{"server", {"/w/server.cpp", "/w/log.cpp"}},
                 {"client", {"/w/client.cpp", "/w/log.cpp"}}}};
  std::vector<UnitGroup> G =
      groupUnits(L, {"/w/log.cpp", "/w/server.cpp", "/w/client.cpp"});
  EXPECT_EQ(members(G), (std::vector<std::vector<size_t>>{{0, 1}, {0, 2}}));
  EXPECT_EQ(G[0].Name, "server");
  EXPECT_FALSE(G[1].OfNoProgram);
}

TEST(Programs, UnitsOfNoProgramAreOneMoreGroupAndEmptyProgramsGo) {
  ProgramList L{"p.json",
                {{"server", {"/w/server.cpp"}}, {"tool", {"/w/tool.cpp"}}}};
  std::vector<UnitGroup> G =
      groupUnits(L, {"/w/a.cpp", "/w/server.cpp", "/w/b.cpp"});
  EXPECT_EQ(members(G), (std::vector<std::vector<size_t>>{{1}, {0, 2}}));
  EXPECT_TRUE(G.back().OfNoProgram);
}

TEST(Programs, ProgramsWithTheSameUnitsAreMergedOnce) {
  // A shared library and the one executable linking it, with nothing else.
  ProgramList L{"reply",
                {{"libcore", {"/w/core.cpp"}},
                 {"app", {"/w/core.cpp", "/w/main.cpp"}},
                 {"app_tests", {"/w/core.cpp", "/w/main.cpp"}}}};
  std::vector<UnitGroup> G = groupUnits(L, {"/w/core.cpp", "/w/main.cpp"});
  EXPECT_EQ(members(G), (std::vector<std::vector<size_t>>{{0}, {0, 1}}));
  EXPECT_EQ(G[1].Name, "app");
}

} // namespace
