// The evidence file: what test runs saw at runtime (leaked cycles, growth,
// handle copies), for the analyzer to confirm its findings with. The schema
// is documented in docs/evidence.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tenure::testing {

// The schema version this build writes and reads; files of a newer version
// are refused, never rewritten.
inline constexpr std::int64_t kEvidenceVersion = 2;

// A shape of leaked cycle: types[i] holds types[i + 1] (the last holds the
// first) through fields[i].
struct CycleEvidence {
  std::vector<std::string> types;
  std::vector<std::string> fields;
  std::uint64_t count = 0;         // times seen
  std::vector<std::string> sites;  // allocation sites, "file:line"
  std::vector<std::string> tests;  // "Suite.Name" of the tests that leaked it
};

// What holds surviving objects: the shape of their retention path, from the
// root (an object held from outside the heap) to the object itself, with
// runs of equal steps folded into one (a list's Node -[next]-> Node ...).
// fields[i] is the field of types[i - 1] that holds types[i]; fields[0] is
// "". A one-step path means nothing on the heap holds them.
struct HolderEvidence {
  std::vector<std::string> types;
  std::vector<std::string> fields;
  std::uint64_t count = 0;  // sampled objects held this way
};

// Objects made during a test and still alive after it.
struct GrowthEvidence {
  std::string type;
  std::string site;
  std::uint64_t count = 0;
  std::string test;
  // Optional (verification mode): the holders of a sample of them.
  std::vector<HolderEvidence> holders;
};

// Ref copies made at a site.
struct CopyEvidence {
  std::string site;
  std::uint64_t count = 0;
};

// A shape of structure LeakSanitizer found unreachable after a test (schema
// version 2): blocks that point to each other, typed from their allocation
// stacks (docs/evidence.md, "Leaks").
struct LeakEvidence {
  std::vector<std::string>
      types;  // types of its blocks that could be known, sorted
  std::vector<std::string>
      cycle;                 // types of its blocks on a pointer cycle, sorted
  std::uint64_t count = 0;   // structures of this shape
  std::uint64_t blocks = 0;  // leaked blocks in them
  std::uint64_t bytes = 0;
  std::vector<std::string>
      sites;  // allocation sites, "file:line" ("??": unknown)
  std::vector<std::string> tests;  // "Suite.Name" of the tests that leaked it
};

struct Evidence {
  std::vector<CycleEvidence> cycles;
  std::vector<GrowthEvidence> growth;
  std::vector<CopyEvidence> copies;
  std::vector<LeakEvidence> leaks;

  bool empty() const {
    return cycles.empty() && growth.empty() && copies.empty() && leaks.empty();
  }
};

// Parses an evidence file's text. Errors are one line: what is wrong and
// where (byte offset), or a version newer than kEvidenceVersion. What it
// accepts is what tenure-analyze's llvm::json reader accepts (the JSON
// reading and the schema rules in docs/evidence.md, "Reading"); the corpus
// in testdata/evidence/ and a differential fuzz target hold the two to it.
absl::StatusOr<Evidence> parse_evidence(std::string_view json);

// The file text: deterministic (entries sorted by key), ends in a newline.
std::string to_json(const Evidence& evidence);

// Adds `from` to `into`: entries with the same key (cycle: types and fields;
// growth: type, site and test; copies: site; leaks: types and cycle) add
// their counts and unite their sites and tests (growth: their holders,
// adding the counts of equal paths).
void merge(Evidence& into, const Evidence& from);

// Merges `evidence` into the file at `path` under an exclusive flock on
// "<path>.lock" (parallel test processes writing one file lose nothing),
// writing a temporary file and renaming it over `path`. A file that is
// malformed, truncated or of a newer version is left as it was and the
// error names it; so is one that cannot be written.
absl::Status merge_into_file(const std::string& path, const Evidence& evidence);

}  // namespace tenure::testing
