// tenure-analyze's evidence reader on the corpus the runtime's reader is
// held to (testdata/evidence/): the same files accepted, the same refused.
#include "analyzer/io/Evidence.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

#include <string>

namespace tenure::analyzer {
namespace {

TEST(EvidenceCorpusTest, AcceptsAndRejectsWhatTheRuntimeDoes) {
  size_t Cases = 0;
  for (llvm::StringRef Verdict : {"accept", "reject"}) {
    llvm::SmallString<256> Dir(TENURE_EVIDENCE_CORPUS);
    llvm::sys::path::append(Dir, Verdict);
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC)) {
      ++Cases;
      llvm::Expected<Evidence> Parsed = readEvidence(It->path());
      std::string Why = Parsed ? "" : llvm::toString(Parsed.takeError());
      EXPECT_EQ(static_cast<bool>(Parsed), Verdict == "accept")
          << It->path() << ": " << Why;
      EXPECT_EQ(Why.find('\n'), std::string::npos) << Why;
    }
    EXPECT_FALSE(EC) << EC.message();
  }
  EXPECT_GT(Cases, 40u);
}

TEST(EvidenceCorpusTest, ReadsTheLeaksSection) {
  llvm::Expected<Evidence> Parsed = parseEvidence(
      R"({"tenure_evidence": 2, "leaks": [{"types": ["A", "B", "C"],
          "cycle": ["A", "B"], "count": 2, "blocks": 5, "bytes": 80,
          "sites": ["a.cpp:1"], "tests": ["T.X"]}, {"types": [], "count": 1}]})",
      "e.json");
  ASSERT_TRUE(static_cast<bool>(Parsed)) << llvm::toString(Parsed.takeError());
  ASSERT_EQ(Parsed->Leaks.size(), 2u);
  EXPECT_EQ(Parsed->Leaks[0].Cycle, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(Parsed->Leaks[0].Bytes, 80u);
  EXPECT_TRUE(Parsed->Leaks[1].Cycle.empty());
  EXPECT_EQ(Parsed->Leaks[1].Blocks, 0u);
}

} // namespace
} // namespace tenure::analyzer
