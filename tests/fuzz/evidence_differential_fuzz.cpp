// Differential libFuzzer target for the two evidence readers: the
// runtime's hand-written one (tenure::testing::parse_evidence, no LLVM) and
// tenure-analyze's on llvm::json (tenure::analyzer::parseEvidence). On any
// input both accept or both refuse, and what they read is the same
// evidence; whatever strings the runtime's writer is given (file names in
// any encoding), both read what it writes, and read the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "analyzer/io/Evidence.h"
#include "tenure/testing/evidence.h"

namespace rt = tenure::testing;
namespace an = tenure::analyzer;

namespace {

// The analyzer's reading in the runtime's structs, normalised (sorted,
// duplicates folded) the way parse_evidence normalises its own.
rt::Evidence asRuntime(const an::Evidence &E) {
  rt::Evidence Out;
  for (const an::EvidenceCycle &C : E.Cycles)
    Out.cycles.push_back({C.Types, C.Fields, C.Count, C.Sites, C.Tests});
  for (const an::EvidenceGrowth &G : E.Growth)
    Out.growth.push_back({G.Type, G.Site, G.Count, G.Test});
  for (const an::EvidenceCopies &C : E.Copies)
    Out.copies.push_back({C.Site, C.Count});
  for (const an::EvidenceLeak &L : E.Leaks)
    Out.leaks.push_back(
        {L.Types, L.Cycle, L.Count, L.Blocks, L.Bytes, L.Sites, L.Tests});
  rt::Evidence Normalised;
  rt::merge(Normalised, Out);
  return Normalised;
}

[[noreturn]] void disagree(const char *What, std::string_view Text) {
  std::fprintf(stderr, "evidence readers disagree: %s on %zu bytes\n", What,
               Text.size());
  std::abort();
}

// Both readers on `Text`; aborts unless they agree. Returns the reading.
std::string readBoth(std::string_view Text) {
  absl::StatusOr<rt::Evidence> Runtime = rt::parse_evidence(Text);
  llvm::Expected<an::Evidence> Analyzer =
      an::parseEvidence(llvm::StringRef(Text.data(), Text.size()), "fuzz.json");
  if (Runtime.ok() != static_cast<bool>(Analyzer)) {
    std::string Why = Analyzer ? std::string(Runtime.status().message())
                               : llvm::toString(Analyzer.takeError());
    std::fprintf(stderr, "%s refuses: %s\n",
                 Runtime.ok() ? "the analyzer" : "the runtime", Why.c_str());
    disagree("accept/refuse", Text);
  }
  if (!Analyzer) {
    llvm::consumeError(Analyzer.takeError());
    return "";
  }
  std::string Json = rt::to_json(*Runtime);
  if (rt::to_json(asRuntime(*Analyzer)) != Json)
    disagree("the evidence read", Text);
  return Json;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *Data,
                                      std::size_t Size) {
  std::string_view Text(reinterpret_cast<const char *>(Data), Size);
  std::string Json = readBoth(Text);
  if (!Json.empty() && readBoth(Json) != Json)
    disagree("the written file", Json);

  // The input as the strings of an entry, as a writer could be given them.
  rt::Evidence Raw;
  std::string Bytes(Text);
  Raw.copies.push_back({Bytes, 1});
  Raw.leaks.push_back({{Bytes}, {Bytes}, 1, 1, 8, {Bytes}, {Bytes}});
  std::string Written = rt::to_json(Raw);
  if (readBoth(Written).empty()) disagree("a written file refused", Written);
  return 0;
}
