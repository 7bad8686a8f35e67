//===- Baseline.cpp - Findings a project has accepted ---------------------===//

#include "analyzer/io/Baseline.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include <map>

namespace tenure::analyzer {
namespace json = llvm::json;

namespace {

BaselineEntry entryOf(const Finding &F, llvm::StringRef Root) {
  return {F.Check, displayPath(F.Loc.File, Root), F.Context, F.Key};
}

llvm::Error baselineError(llvm::StringRef Origin, const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 Origin + ": " + What);
}

} // namespace

// Found by argument-dependent lookup from json::ObjectMapper::map.
bool fromJSON(const json::Value &V, BaselineEntry &E, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("check", E.Check) && O.map("file", E.File) &&
         O.map("context", E.Context) && O.map("key", E.Key);
}

Baseline makeBaseline(llvm::ArrayRef<Finding> Findings, llvm::StringRef Root) {
  Baseline B;
  for (const Finding &F : Findings)
    B.Entries.push_back(entryOf(F, Root));
  llvm::sort(B.Entries);
  return B;
}

llvm::Expected<Baseline> parseBaseline(llvm::StringRef Text,
                                       llvm::StringRef Origin) {
  llvm::Expected<json::Value> V = json::parse(Text);
  if (!V)
    return baselineError(Origin, "malformed baseline: " +
                                     llvm::toString(V.takeError()));
  const json::Object *O = V->getAsObject();
  const json::Value *Version = O ? O->get("tenure_baseline") : nullptr;
  if (!Version)
    return baselineError(Origin, "not a tenure baseline (no "
                                 "\"tenure_baseline\" version; write one "
                                 "with --write-baseline)");
  std::optional<int64_t> Number = Version->getAsInteger();
  if (!Number || *Number < 1)
    return baselineError(Origin, "malformed baseline: \"tenure_baseline\" "
                                 "must be a positive integer");
  if (*Number > BaselineVersion)
    return baselineError(
        Origin, llvm::formatv("baseline version {0} is newer than this "
                              "tenure-analyze reads ({1}); upgrade it, or "
                              "rewrite the baseline with --write-baseline",
                              *Number, BaselineVersion));
  const json::Value *Findings = O->get("findings");
  if (!Findings)
    return baselineError(Origin, "malformed baseline: no \"findings\"");
  Baseline B;
  json::Path::Root Root("findings");
  if (!fromJSON(*Findings, B.Entries, Root))
    return baselineError(Origin, "malformed baseline: " +
                                     llvm::toString(Root.getError()));
  // Written sorted; a hand-edited file may not be.
  llvm::sort(B.Entries);
  return B;
}

void writeBaseline(llvm::raw_ostream &OS, const Baseline &B) {
  // json::Value prints keys sorted; the version goes first for a reader.
  json::OStream J(OS, /*IndentSize=*/2);
  J.object([&] {
    J.attribute("tenure_baseline", BaselineVersion);
    J.attributeArray("findings", [&] {
      for (const BaselineEntry &E : B.Entries)
        J.object([&] {
          J.attribute("check", E.Check);
          J.attribute("file", E.File);
          J.attribute("context", E.Context);
          J.attribute("key", E.Key);
        });
    });
  });
  OS << '\n';
}

llvm::Error checkNotStale(const Baseline &B, llvm::StringRef Root,
                          llvm::StringRef Origin) {
  llvm::StringSet<> Files;
  for (const BaselineEntry &E : B.Entries)
    if (!E.File.empty())
      Files.insert(E.File);
  if (Files.empty())
    return llvm::Error::success();
  for (const auto &File : Files) {
    llvm::SmallString<256> Path(File.getKey());
    if (!llvm::sys::path::is_absolute(Path)) {
      Path = Root;
      llvm::sys::path::append(Path, File.getKey());
    }
    if (llvm::sys::fs::exists(Path))
      return llvm::Error::success();
  }
  return baselineError(
      Origin, llvm::formatv("stale baseline: none of the {0} file{1} it names "
                            "exists under {2} (run from the directory it was "
                            "written in, or rewrite it with --write-baseline)",
                            Files.size(), Files.size() == 1 ? "" : "s", Root));
}

BaselineMatch matchBaseline(std::vector<Finding> Findings, const Baseline &B,
                            llvm::StringRef Root) {
  std::map<BaselineEntry, size_t> Remaining;
  for (const BaselineEntry &E : B.Entries)
    ++Remaining[E];
  BaselineMatch Result;
  for (Finding &F : Findings) {
    auto It = Remaining.find(entryOf(F, Root));
    if (It != Remaining.end() && It->second > 0) {
      --It->second;
      Result.Baselined.push_back(std::move(F));
    } else {
      Result.New.push_back(std::move(F));
    }
  }
  for (const auto &[Entry, Count] : Remaining)
    Result.Unmatched += Count;
  return Result;
}

} // namespace tenure::analyzer
