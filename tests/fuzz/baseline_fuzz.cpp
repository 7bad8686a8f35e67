// libFuzzer target for tenure-analyze's baseline reader: any input either
// fails with one line naming the file, or reads into a baseline that writes
// back out and reads back in unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analyzer/io/Baseline.h"

using namespace tenure::analyzer;

namespace {
std::string written(const Baseline &B) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeBaseline(OS, B);
  return Out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *Data,
                                      std::size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<Baseline> Parsed = parseBaseline(Text, "fuzz.json");
  if (!Parsed) {
    std::string Message = llvm::toString(Parsed.takeError());
    if (!llvm::StringRef(Message).starts_with("fuzz.json: ") ||
        Message.find('\n') != std::string::npos)
      std::abort();  // Errors are one line that names the file.
    return 0;
  }
  std::string Json = written(*Parsed);
  llvm::Expected<Baseline> Again = parseBaseline(Json, "again.json");
  if (!Again) {
    llvm::consumeError(Again.takeError());
    std::abort();
  }
  if (Again->Entries != Parsed->Entries || written(*Again) != Json)
    std::abort();
  // Every finding the baseline was made from matches it, none left over.
  std::vector<Finding> Findings;
  for (const BaselineEntry &E : Parsed->Entries) {
    Finding F;
    F.Check = E.Check;
    F.Loc.File = E.File;
    F.Context = E.Context;
    F.Key = E.Key;
    Findings.push_back(std::move(F));
  }
  BaselineMatch Match = matchBaseline(std::move(Findings), *Parsed, "");
  if (!Match.New.empty() || Match.Unmatched != 0) std::abort();
  return 0;
}
