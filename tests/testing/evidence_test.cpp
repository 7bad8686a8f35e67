// The evidence file: schema round trip, merging, bad input, and several
// processes writing one file.
#include "tenure/testing/evidence.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace tenure::testing {
namespace {

Evidence sample() {
  Evidence e;
  e.cycles.push_back({{"Doc", "Section"},
                      {"sections", "doc"},
                      2,
                      {"doc.cpp:12", "doc.cpp:14"},
                      {"DocTest.Leaks"}});
  e.growth.push_back({"Entry", "cache.cpp:40", 100, "CacheTest.Grows", {}});
  e.copies.push_back({"render.cpp:7", 3000});
  e.leaks.push_back({{"Child", "Parent", "std::shared_ptr<Child>"},
                     {"Child", "Parent", "std::shared_ptr<Child>"},
                     1,
                     3,
                     88,
                     {"tree.cpp:9", "tree.cpp:10"},
                     {"TreeTest.Leaks"}});
  return e;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

class EvidenceFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tenure-evidence-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "evidence.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

TEST(EvidenceTest, RoundTripsThroughJson) {
  std::string json = to_json(sample());
  absl::StatusOr<Evidence> parsed = parse_evidence(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(to_json(*parsed), json);
  ASSERT_EQ(parsed->cycles.size(), 1u);
  EXPECT_EQ(parsed->cycles[0].fields[1], "doc");
  EXPECT_EQ(parsed->growth[0].count, 100u);
  EXPECT_EQ(parsed->copies[0].site, "render.cpp:7");
  ASSERT_EQ(parsed->leaks.size(), 1u);
  EXPECT_EQ(parsed->leaks[0].cycle[1], "Parent");
  EXPECT_EQ(parsed->leaks[0].bytes, 88u);
  EXPECT_NE(json.find("\"tenure_evidence\": 2"), std::string::npos);
}

TEST(EvidenceTest, ReadsVersionOneFiles) {
  absl::StatusOr<Evidence> parsed = parse_evidence(
      R"({"tenure_evidence": 1, "cycles": [{"types": ["A"], "fields": ["a"], "count": 1}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->cycles[0].sites.empty());
  EXPECT_TRUE(parsed->leaks.empty());
}

// What llvm::json (tenure-analyze's reader) does, the runtime's does too;
// testdata/evidence/ has the whole shared corpus.
TEST(EvidenceTest, ReadsJsonAsTheAnalyzerDoes) {
  absl::StatusOr<Evidence> lone = parse_evidence(
      R"({"tenure_evidence": 2, "copies": [{"site": "\ud800x", "count": 01}],)"
      R"( "copies": [{"site": "last", "count": 1}]})");
  ASSERT_TRUE(lone.ok()) << lone.status();
  ASSERT_EQ(lone->copies.size(), 1u);  // the last of duplicate keys counts
  EXPECT_EQ(lone->copies[0].site, "last");
  absl::StatusOr<Evidence> surrogate = parse_evidence(
      R"({"tenure_evidence": 2, "copies": [{"site": "\ud800x", "count": 01}]})");
  ASSERT_TRUE(surrogate.ok()) << surrogate.status();
  EXPECT_EQ(surrogate->copies[0].site, "\xEF\xBF\xBDx");
  EXPECT_EQ(surrogate->copies[0].count, 1u);
  EXPECT_FALSE(parse_evidence(R"({"tenure_evidence": 2, "x": 1-+e})").ok());
  EXPECT_FALSE(
      parse_evidence(
          R"({"tenure_evidence": 2, "copies": [{"site": "a", "count": 1.0}]})")
          .ok());
  EXPECT_FALSE(
      parse_evidence("{\"tenure_evidence\": 2, \"x\": \"\xC3\"}").ok());
}

TEST(EvidenceTest, WritesInvalidUtf8AsReplacementCharacters) {
  Evidence e;
  e.copies.push_back({"caf\xE9.cpp:1", 1});  // Latin-1, not UTF-8
  std::string json = to_json(e);
  absl::StatusOr<Evidence> parsed = parse_evidence(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << json;
  EXPECT_EQ(parsed->copies[0].site, "caf\xEF\xBF\xBD.cpp:1");
}

TEST(EvidenceTest, StringsWithQuotesAndEscapesSurvive) {
  Evidence e;
  e.copies.push_back({"dir \"x\"\\y\n\x01.cpp:1", 1});
  absl::StatusOr<Evidence> parsed = parse_evidence(to_json(e));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->copies[0].site, e.copies[0].site);
  absl::StatusOr<Evidence> unicode = parse_evidence(
      R"({"tenure_evidence": 1, "copies": [{"site": "\u00e9\ud83d\ude00", "count": 1}]})");
  ASSERT_TRUE(unicode.ok()) << unicode.status();
  EXPECT_EQ(unicode->copies[0].site, "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(EvidenceTest, MergeAddsCountsAndUnitesSitesAndTests) {
  Evidence into = sample();
  Evidence more = sample();
  more.cycles[0].sites = {"doc.cpp:20"};
  more.cycles[0].tests = {"DocTest.Other"};
  more.copies.push_back({"other.cpp:1", 5});
  merge(into, more);
  ASSERT_EQ(into.cycles.size(), 1u);
  EXPECT_EQ(into.cycles[0].count, 4u);
  EXPECT_EQ(
      into.cycles[0].sites,
      (std::vector<std::string>{"doc.cpp:12", "doc.cpp:14", "doc.cpp:20"}));
  EXPECT_EQ(into.cycles[0].tests,
            (std::vector<std::string>{"DocTest.Leaks", "DocTest.Other"}));
  EXPECT_EQ(into.growth[0].count, 200u);
  ASSERT_EQ(into.copies.size(), 2u);
  EXPECT_EQ(into.copies[1].count, 6000u);
  ASSERT_EQ(into.leaks.size(), 1u);
  EXPECT_EQ(into.leaks[0].count, 2u);
  EXPECT_EQ(into.leaks[0].blocks, 6u);
}

TEST(EvidenceTest, HoldersRoundTripMergeAndStayOptional) {
  Evidence e = sample();
  e.growth[0].holders = {{{"Cache", "Entry"}, {"", "entries_"}, 12},
                         {{"Entry"}, {""}, 4}};
  std::string json = to_json(e);
  EXPECT_NE(
      json.find(
          R"("holders": [{"types": ["Cache", "Entry"], "fields": ["", "entries_"], "count": 12})"),
      std::string::npos)
      << json;
  absl::StatusOr<Evidence> parsed = parse_evidence(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(to_json(*parsed), json);
  ASSERT_EQ(parsed->growth[0].holders.size(), 2u);

  // Equal paths add up; a record without holders (an older file) merges in.
  Evidence more = sample();
  more.growth[0].holders = {{{"Cache", "Entry"}, {"", "entries_"}, 3}};
  merge(*parsed, more);
  merge(*parsed, sample());
  ASSERT_EQ(parsed->growth.size(), 1u);
  EXPECT_EQ(parsed->growth[0].count, 300u);
  ASSERT_EQ(parsed->growth[0].holders.size(), 2u);
  EXPECT_EQ(parsed->growth[0].holders[0].types,
            (std::vector<std::string>{"Cache", "Entry"}));
  EXPECT_EQ(parsed->growth[0].holders[0].count, 15u);
  EXPECT_EQ(to_json(sample()).find("holders"), std::string::npos)
      << "written only when known";

  for (
      const char* bad : {
          R"({"tenure_evidence": 1, "growth": [{"type": "A", "site": "", "count": 1, "test": "T", "holders": {}}]})",
          R"({"tenure_evidence": 1, "growth": [{"type": "A", "site": "", "count": 1, "test": "T", "holders": [{"types": ["A"], "fields": [], "count": 1}]}]})",
          R"({"tenure_evidence": 1, "growth": [{"type": "A", "site": "", "count": 1, "test": "T", "holders": [{"types": ["A"], "fields": [""]}]}]})",
      }) {
    absl::StatusOr<Evidence> refused = parse_evidence(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("growth.holders"),
              std::string::npos)
        << refused.status();
  }
}

TEST(EvidenceTest, BadInputGetsOneLineErrors) {
  const char* bad[] = {
      "",
      "{",
      R"({"tenure_evidence": 1, "cycles": [{"types": ["A"], "fields": ["x"], "cou)",
      "[1, 2]",
      R"({"cycles": []})",
      R"({"tenure_evidence": 1, "cycles": {}})",
      R"({"tenure_evidence": 1, "copies": [{"site": "a", "count": -1}]})",
      R"({"tenure_evidence": 1, "cycles": [{"types": ["A"], "fields": [], "count": 1, "sites": [], "tests": []}]})",
      R"({"tenure_evidence": 1} trailing)",
      R"({"tenure_evidence": 1, "copies": [{"site": "\u12", "count": 1}]})",
      R"({"tenure_evidence": 2, "leaks": [{"types": ["A"], "count": 1, "bytes": "8"}]})",
  };
  for (const char* text : bad) {
    absl::StatusOr<Evidence> parsed = parse_evidence(text);
    ASSERT_FALSE(parsed.ok()) << text;
    std::string message(parsed.status().message());
    EXPECT_FALSE(message.empty()) << text;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  absl::StatusOr<Evidence> truncated =
      parse_evidence(to_json(sample()).substr(0, 60));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("truncated"),
            absl::string_view::npos)
      << truncated.status();
  absl::StatusOr<Evidence> newer = parse_evidence(R"({"tenure_evidence": 3})");
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.status().message().find("newer tenure (schema version 3"),
            absl::string_view::npos)
      << newer.status();
}

// testdata/evidence/: the corpus tenure-analyze's reader is held to as well.
TEST(EvidenceTest, SharedCorpusIsAcceptedAndRejectedAsDocumented) {
  std::filesystem::path corpus = TENURE_EVIDENCE_CORPUS;
  std::size_t cases = 0;
  for (const char* verdict : {"accept", "reject"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(corpus / verdict)) {
      ++cases;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
      absl::StatusOr<Evidence> parsed = parse_evidence(text);
      EXPECT_EQ(parsed.ok(), std::string(verdict) == "accept")
          << entry.path() << ": " << parsed.status();
    }
  }
  EXPECT_GT(cases, 40u);
}

TEST(EvidenceTest, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep =
      R"({"tenure_evidence": 1, "x": )" + std::string(100000, '[');
  EXPECT_FALSE(parse_evidence(deep).ok());
}

TEST_F(EvidenceFileTest, CreatesThenMerges) {
  ASSERT_TRUE(merge_into_file(path_, sample()).ok());
  ASSERT_TRUE(merge_into_file(path_, sample()).ok());
  absl::StatusOr<Evidence> parsed = parse_evidence(read(path_));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->cycles[0].count, 4u);
  EXPECT_EQ(parsed->copies[0].count, 6000u);
  // Nothing but the file and its lock is left behind.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2u);
}

TEST_F(EvidenceFileTest, MalformedOrNewerFileIsLeftAsItWas) {
  for (std::string earlier :
       {std::string("{\"tenure_evidence\": 1, \"cycles\": ["),
        std::string("{\"tenure_evidence\": 9}\n"), std::string("not json")}) {
    write(path_, earlier);
    absl::Status status = merge_into_file(path_, sample());
    ASSERT_FALSE(status.ok());
    std::string message(status.message());
    EXPECT_NE(message.find(path_), std::string::npos) << message;
    EXPECT_NE(message.find("left unchanged"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(read(path_), earlier);
  }
}

TEST_F(EvidenceFileTest, UnwritablePlaceIsAnError) {
  std::string missing = (dir_ / "no-such-dir" / "evidence.json").string();
  absl::Status status = merge_into_file(missing, sample());
  ASSERT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find(missing), std::string::npos)
      << status;
}

TEST_F(EvidenceFileTest, ParallelProcessesLoseNothing) {
  constexpr int kProcesses = 8;
  constexpr int kWrites = 20;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      Evidence e;
      e.copies.push_back({"shared.cpp:1", 1});
      e.copies.push_back({"process" + std::to_string(p) + ".cpp:1", 1});
      bool ok = true;
      for (int i = 0; i < kWrites; ++i)
        ok = ok && merge_into_file(path_, e).ok();
      ::_exit(ok ? 0 : 1);
    }
  }
  for (int p = 0; p < kProcesses; ++p) {
    int status = 0;
    ::wait(&status);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  absl::StatusOr<Evidence> parsed = parse_evidence(read(path_));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->copies.size(), static_cast<std::size_t>(kProcesses + 1));
  for (const CopyEvidence& copy : parsed->copies) {
    EXPECT_EQ(copy.count,
              copy.site == "shared.cpp:1" ? kProcesses * kWrites : kWrites)
        << copy.site;
  }
}

}  // namespace
}  // namespace tenure::testing
