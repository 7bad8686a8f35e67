// Baselines of tenure-analyze: line-independent matching as multisets, the
// file format and its errors.
#include "analyzer/io/Baseline.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

namespace tenure::analyzer {
namespace {

Finding copyAt(unsigned Line, std::string Context = "Scene::weigh") {
  Finding F;
  F.Check = "tenure-needless-copy";
  F.Loc = {"/src/app/scene.cpp", Line, 30};
  F.Message = "parameter 'node' copies a strong handle on every call";
  F.Key = "int Scene::weigh(std::shared_ptr<Node> node) const {";
  F.Context = std::move(Context);
  return F;
}

std::string written(const Baseline &B) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeBaseline(OS, B);
  return Out;
}

TEST(Baseline, MatchesWithoutLineNumbers) {
  Baseline B = makeBaseline({copyAt(10)}, "/src");
  ASSERT_EQ(B.Entries.size(), 1u);
  EXPECT_EQ(B.Entries[0].File, "app/scene.cpp");
  EXPECT_EQ(B.Entries[0].Context, "Scene::weigh");

  BaselineMatch Moved = matchBaseline({copyAt(42)}, B, "/src");
  EXPECT_TRUE(Moved.New.empty());
  EXPECT_EQ(Moved.Baselined.size(), 1u);
  EXPECT_EQ(Moved.Unmatched, 0u);
}

TEST(Baseline, ContextAndFileAndCheckAllCount) {
  Baseline B = makeBaseline({copyAt(10)}, "/src");
  EXPECT_EQ(matchBaseline({copyAt(10, "Scene::add")}, B, "/src").New.size(),
            1u);
  Finding Other = copyAt(10);
  Other.Loc.File = "/src/app/other.cpp";
  EXPECT_EQ(matchBaseline({Other}, B, "/src").New.size(), 1u);
  Finding Untraced = copyAt(10);
  Untraced.Check = "tenure-untraced-field";
  EXPECT_EQ(matchBaseline({Untraced}, B, "/src").New.size(), 1u);
}

TEST(Baseline, MatchesAsAMultiset) {
  // One accepted copy in this function; a second identical one is new.
  Baseline B = makeBaseline({copyAt(10)}, "/src");
  BaselineMatch M = matchBaseline({copyAt(10), copyAt(20)}, B, "/src");
  EXPECT_EQ(M.Baselined.size(), 1u);
  ASSERT_EQ(M.New.size(), 1u);
  EXPECT_EQ(M.Unmatched, 0u);

  // Two accepted, one left: the other entry no longer matches.
  Baseline Two = makeBaseline({copyAt(10), copyAt(20)}, "/src");
  BaselineMatch Fixed = matchBaseline({copyAt(10)}, Two, "/src");
  EXPECT_TRUE(Fixed.New.empty());
  EXPECT_EQ(Fixed.Unmatched, 1u);
}

TEST(Baseline, WritesSortedVersionedAndReadsBack) {
  Finding Cycle;
  Cycle.Check = "tenure-ref-cycle";
  Cycle.Loc = {"/src/app/doc.cpp", 7, 48};
  Cycle.Key = "Item::owner in Owner -> Item";
  Cycle.Context = "Item::owner";
  Baseline B = makeBaseline({copyAt(10), Cycle, copyAt(20)}, "/src");
  std::string Text = written(B);
  EXPECT_EQ(Text.find("{\n  \"tenure_baseline\": 1,"), 0u) << Text;
  EXPECT_LT(Text.find("tenure-needless-copy"), Text.find("tenure-ref-cycle"));

  llvm::Expected<Baseline> Read = parseBaseline(Text, "b.json");
  ASSERT_TRUE(bool(Read)) << llvm::toString(Read.takeError());
  EXPECT_EQ(Read->Entries, B.Entries);
  EXPECT_EQ(written(*Read), Text);
}

std::string errorOf(llvm::StringRef Text) {
  llvm::Expected<Baseline> B = parseBaseline(Text, "b.json");
  if (B)
    return "(parsed)";
  return llvm::toString(B.takeError());
}

TEST(Baseline, ErrorsNameTheFileAndWhatIsWrong) {
  EXPECT_EQ(errorOf("{\"tenure_baseline\": 1, \"findings\": ["),
            "b.json: malformed baseline: [1:36, byte=36]: Unexpected EOF");
  EXPECT_EQ(errorOf("{\"findings\": []}"),
            "b.json: not a tenure baseline (no \"tenure_baseline\" version; "
            "write one with --write-baseline)");
  EXPECT_EQ(errorOf("{\"tenure_baseline\": 2, \"findings\": []}"),
            "b.json: baseline version 2 is newer than this tenure-analyze "
            "reads (1); upgrade it, or rewrite the baseline with "
            "--write-baseline");
  EXPECT_EQ(errorOf("{\"tenure_baseline\": \"1\", \"findings\": []}"),
            "b.json: malformed baseline: \"tenure_baseline\" must be a "
            "positive integer");
  EXPECT_EQ(errorOf("{\"tenure_baseline\": 1}"),
            "b.json: malformed baseline: no \"findings\"");
  EXPECT_EQ(errorOf("{\"tenure_baseline\": 1, \"findings\": [{\"check\": "
                    "\"c\", \"file\": \"f\", \"key\": \"k\"}]}"),
            "b.json: malformed baseline: missing value at "
            "findings[0].context");
}

TEST(Baseline, StaleWhenNoFileItNamesExists) {
  llvm::SmallString<128> Dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("baseline-test", Dir));
  llvm::SmallString<128> Present(Dir);
  llvm::sys::path::append(Present, "scene.cpp");
  {
    std::error_code EC;
    llvm::raw_fd_ostream(Present, EC) << "int x;\n";
    ASSERT_FALSE(EC);
  }
  Baseline B;
  B.Entries = {{"tenure-needless-copy", "gone.cpp", "f", "k"}};
  std::string Error = llvm::toString(checkNotStale(B, Dir, "b.json"));
  EXPECT_EQ(Error.find("b.json: stale baseline: none of the 1 file it names "
                       "exists under "),
            0u)
      << Error;
  // One file still there: not stale (the others' entries just go unmatched).
  B.Entries.push_back({"tenure-needless-copy", "scene.cpp", "f", "k"});
  EXPECT_FALSE(bool(checkNotStale(B, Dir, "b.json")));
  // An empty baseline accepts nothing and is never stale.
  EXPECT_FALSE(bool(checkNotStale(Baseline(), Dir, "b.json")));
  llvm::sys::fs::remove(Present);
  llvm::sys::fs::remove(Dir);
}

} // namespace
} // namespace tenure::analyzer
