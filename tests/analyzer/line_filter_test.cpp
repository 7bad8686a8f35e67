//===- line_filter_test.cpp - --line-filter and --changed-since ----------===//

#include "analyzer/driver/LineFilter.h"

#include "llvm/Support/Error.h"
#include "gtest/gtest.h"

using tenure::analyzer::LineFilter;

namespace {

LineFilter parsed(llvm::StringRef Json) {
  llvm::Expected<LineFilter> F = LineFilter::fromJSON(Json, "filter.json");
  EXPECT_TRUE(static_cast<bool>(F)) << llvm::toString(F.takeError());
  return F ? std::move(*F) : LineFilter();
}

std::string rejected(llvm::StringRef Json) {
  llvm::Expected<LineFilter> F = LineFilter::fromJSON(Json, "filter.json");
  if (F)
    return "";
  return llvm::toString(F.takeError());
}

TEST(LineFilter, ClangTidyFormSelectsLinesOfFilesNamedBySuffix) {
  LineFilter F = parsed(R"([{"name": "src/a.cpp", "lines": [[3, 5], [9, 9]]},
                 {"name": "b.h"}])");
  EXPECT_TRUE(F.contains("/w/src/a.cpp", 3));
  EXPECT_TRUE(F.contains("/w/src/a.cpp", 5));
  EXPECT_TRUE(F.contains("/w/src/a.cpp", 9));
  EXPECT_FALSE(F.contains("/w/src/a.cpp", 6));
  EXPECT_FALSE(F.contains("/w/src/a.cpp", 2));
  // A name matches at a path component, not inside one.
  EXPECT_FALSE(F.contains("/w/src/data.cpp", 3));
  EXPECT_FALSE(F.contains("/w/other/a.cpp", 3));
  // No "lines": the whole file.
  EXPECT_TRUE(F.contains("/w/include/b.h", 1000));
  EXPECT_FALSE(F.contains("/w/include/c.h", 1));
}

TEST(LineFilter, MalformedFiltersAreOneLineErrorsNamingTheInput) {
  EXPECT_NE(rejected("[{"), "");
  EXPECT_EQ(rejected(R"({"name": "a.cpp"})"),
            "filter.json: malformed line filter: expected a list of "
            "{\"name\", \"lines\"}");
  EXPECT_EQ(rejected(R"([{"lines": [[1, 2]]}])"),
            "filter.json: malformed line filter: entry 0 has no \"name\"");
  EXPECT_EQ(rejected(R"([{"name": "a.cpp", "lines": 3}])"),
            "filter.json: malformed line filter: entry 0: \"lines\" is not a "
            "list");
  for (llvm::StringRef Bad : {R"([{"name": "a", "lines": [[0, 2]]}])",
                              R"([{"name": "a", "lines": [[5, 2]]}])",
                              R"([{"name": "a", "lines": [[1]]}])",
                              R"([{"name": "a", "lines": [["1", 2]]}])"})
    EXPECT_NE(rejected(Bad).find("with 1 <= first <= last"), std::string::npos)
        << Bad.str();
  EXPECT_EQ(rejected("[]"), "") << "an empty filter selects nothing";
}

TEST(LineFilter, UnifiedDiffSelectsTheNewSideOfEachHunk) {
  llvm::Expected<LineFilter> F =
      LineFilter::fromUnifiedDiff("diff --git src/a.cpp src/a.cpp\n"
                                  "--- src/a.cpp\n"
                                  "+++ src/a.cpp\n"
                                  "@@ -3 +3 @@ int f() {\n"
                                  "-  return 1;\n"
                                  "+  return 2;\n"
                                  "@@ -10,0 +11,2 @@\n"
                                  "+a\n"
                                  "+b\n"
                                  "@@ -20,3 +22,0 @@\n"
                                  "diff --git gone.cpp gone.cpp\n"
                                  "--- gone.cpp\n"
                                  "+++ /dev/null\n"
                                  "@@ -1,2 +0,0 @@\n",
                                  "/repo");
  ASSERT_TRUE(static_cast<bool>(F)) << llvm::toString(F.takeError());
  EXPECT_TRUE(F->contains("/repo/src/a.cpp", 3));
  EXPECT_FALSE(F->contains("/repo/src/a.cpp", 4));
  EXPECT_TRUE(F->contains("/repo/src/a.cpp", 11));
  EXPECT_TRUE(F->contains("/repo/src/a.cpp", 12));
  EXPECT_FALSE(F->contains("/repo/src/a.cpp", 13));
  // A pure deletion adds no line.
  EXPECT_FALSE(F->contains("/repo/src/a.cpp", 22));
  EXPECT_FALSE(F->contains("/repo/gone.cpp", 1));
}

TEST(LineFilter, ABrokenHunkHeaderIsAnError) {
  llvm::Expected<LineFilter> F =
      LineFilter::fromUnifiedDiff("+++ a.cpp\n@@ -1 +x @@\n", "/repo");
  ASSERT_FALSE(static_cast<bool>(F));
  EXPECT_NE(llvm::toString(F.takeError()).find("unexpected hunk header"),
            std::string::npos);
}

} // namespace
