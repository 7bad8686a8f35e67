// Report writers and the NOLINT reader of tenure-analyze.
#include "analyzer/driver/NoLint.h"
#include "analyzer/io/Report.h"

#include "gtest/gtest.h"

namespace tenure::analyzer {
namespace {

Finding cycleAt(unsigned Line) {
  Finding F;
  F.Check = "tenure-ref-cycle";
  F.Loc = {"/src/app/doc.cpp", Line, 5};
  F.Message = "strong reference cycle A -b-> B -a-> A closed here";
  F.Notes = {{{"/src/app/doc.h", 3, 7}, "'A::b' holds a strong handle to 'B'"}};
  F.Key = "A::b in A -> B";
  return F;
}

llvm::json::Object parse(const std::string &Text) {
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
  EXPECT_TRUE(bool(V));
  return *V->getAsObject();
}

TEST(Report, TextIsClangStyleWithNotesAndRelativePaths) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeText(OS, {cycleAt(10)}, "/src");
  EXPECT_EQ(OS.str(),
            "app/doc.cpp:10:5: warning: strong reference cycle A -b-> B -a-> A "
            "closed here [tenure-ref-cycle]\n"
            "app/doc.h:3:7: note: 'A::b' holds a strong handle to 'B'\n");
}

TEST(Report, SarifHasRulesLocationsAndLineIndependentFingerprints) {
  auto Sarif = [](unsigned Line) {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeSARIF(OS, {cycleAt(Line)}, "/src");
    return parse(OS.str());
  };
  llvm::json::Object Doc = Sarif(10);
  EXPECT_EQ(*Doc.getString("version"), "2.1.0");
  const llvm::json::Object &Run = *(*Doc.getArray("runs"))[0].getAsObject();
  const llvm::json::Array &Rules =
      *Run.getObject("tool")->getObject("driver")->getArray("rules");
  EXPECT_EQ(*Rules[0].getAsObject()->getString("id"), "tenure-ref-cycle");
  EXPECT_TRUE(Rules[0].getAsObject()->getObject("help"));
  const llvm::json::Object &Result =
      *(*Run.getArray("results"))[0].getAsObject();
  EXPECT_EQ(*Result.getString("ruleId"), "tenure-ref-cycle");
  const llvm::json::Object &Physical =
      *(*Result.getArray("locations"))[0].getAsObject()->getObject(
          "physicalLocation");
  EXPECT_EQ(*Physical.getObject("artifactLocation")->getString("uri"),
            "app/doc.cpp");
  EXPECT_EQ(*Physical.getObject("region")->getInteger("startLine"), 10);
  EXPECT_EQ(Result.getArray("relatedLocations")->size(), 1u);

  auto Fingerprint = [](const llvm::json::Object &D) {
    const llvm::json::Object &R =
        *(*(*D.getArray("runs"))[0].getAsObject()->getArray("results"))[0]
             .getAsObject();
    return R.getObject("partialFingerprints")
        ->getString("tenureFindingKey/v1")
        ->str();
  };
  EXPECT_EQ(Fingerprint(Doc), Fingerprint(Sarif(42)));
}

TEST(Report, JsonRoundTripsThroughTheReader) {
  Finding F = cycleAt(3);
  F.Fix = {{"/src/app/doc.h", 40, 3, "Weak"}};
  llvm::Expected<Finding> Back = findingFromJSON(toJSON(F), "x");
  ASSERT_TRUE(bool(Back));
  EXPECT_EQ(llvm::json::Value(toJSON(*Back)), llvm::json::Value(toJSON(F)));
  EXPECT_FALSE(bool(findingFromJSON(llvm::json::Object{{"check", 1}}, "x")));
  llvm::consumeError(findingFromJSON(llvm::json::Object{}, "x").takeError());
}

TEST(Report, DuplicatesFromSeveralTranslationUnitsCollapse) {
  std::vector<Finding> Findings = {cycleAt(9), cycleAt(3), cycleAt(9)};
  sortAndDeduplicate(Findings);
  ASSERT_EQ(Findings.size(), 2u);
  EXPECT_EQ(Findings[0].Loc.Line, 3u);
}

TEST(NoLint, SameLineNextLineAndBlocks) {
  llvm::StringRef Source = "a = b; // NOLINT\n"
                           "// NOLINTNEXTLINE(tenure-ref-cycle)\n"
                           "c = d;\n"
                           "e = f; // NOLINT(tenure-needless-copy)\n"
                           "// NOLINTBEGIN(tenure-*)\n"
                           "g = h;\n"
                           "// NOLINTEND(tenure-*)\n"
                           "i = j;\n";
  NoLintComments Comments(Source);
  EXPECT_TRUE(Comments.suppresses(1, "tenure-ref-cycle"));
  EXPECT_TRUE(Comments.suppresses(3, "tenure-ref-cycle"));
  EXPECT_FALSE(Comments.suppresses(3, "tenure-needless-copy"));
  EXPECT_FALSE(Comments.suppresses(4, "tenure-ref-cycle"));
  EXPECT_TRUE(Comments.suppresses(4, "tenure-needless-copy"));
  EXPECT_TRUE(Comments.suppresses(6, "tenure-ref-cycle"));
  EXPECT_FALSE(Comments.suppresses(8, "tenure-ref-cycle"));
}

TEST(NoLint, NestedBlocksPerCheck) {
  llvm::StringRef Source = "// NOLINTEND(tenure-*)\n" // 1 unmatched
                           "x; // NOLINTBEGIN(tenure-ref-cycle)\n" // 2
                           "// NOLINTBEGIN\n"                      // 3
                           "y;\n"                                  // 4
                           "// NOLINTEND(tenure-ref-cycle)\n"      // 5
                           "z;\n"                                  // 6
                           "// NOLINTEND\n"                        // 7
                           "w; // NOLINT NOLINTBEGIN\n";           // 8
  NoLintComments Comments(Source);
  EXPECT_FALSE(Comments.suppresses(1, "tenure-ref-cycle"));
  // A NOLINTBEGIN covers its own line.
  EXPECT_TRUE(Comments.suppresses(2, "tenure-ref-cycle"));
  EXPECT_FALSE(Comments.suppresses(2, "tenure-needless-copy"));
  EXPECT_TRUE(Comments.suppresses(4, "tenure-needless-copy"));
  EXPECT_TRUE(Comments.suppresses(6, "tenure-ref-cycle"));
  EXPECT_TRUE(Comments.suppresses(6, "tenure-needless-copy"));
  // The first directive on a line is the one that counts.
  EXPECT_TRUE(Comments.suppresses(8, "tenure-ref-cycle"));
  EXPECT_FALSE(Comments.suppresses(9, "tenure-ref-cycle"));
  EXPECT_FALSE(Comments.suppresses(10, "tenure-ref-cycle"));
  EXPECT_FALSE(Comments.suppresses(0, "tenure-ref-cycle"));
}

} // namespace
} // namespace tenure::analyzer
