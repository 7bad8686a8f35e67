//===- Evidence.cpp - Reading the runtime's evidence file -----------------===//

#include "analyzer/io/Evidence.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace tenure::analyzer {
namespace json = llvm::json;

namespace {

/// Reads one section; every entry must be an object with the right fields.
class SectionReader {
public:
  SectionReader(llvm::StringRef Origin, llvm::StringRef Section)
      : Origin(Origin), Section(Section) {}

  llvm::Error error(size_t Index, const llvm::Twine &What) const {
    return llvm::createStringError(
        llvm::formatv("{0}: not a valid evidence file: {1}[{2}]: {3}", Origin,
                      Section, Index, What.str())
            .str());
  }

  llvm::Error string(const json::Object &O, size_t Index, llvm::StringRef Key,
                     std::string &Out) const {
    std::optional<llvm::StringRef> S = O.getString(Key);
    if (!S)
      return error(Index, "'" + Key + "' must be a string");
    Out = S->str();
    return llvm::Error::success();
  }

  /// A count: a number written as an integer, 0 to 2^64-1 (the runtime
  /// saturates there). getAsUINT64 takes exactly those (and "-0"), not
  /// integral doubles such as 1.0, which the runtime refuses too.
  llvm::Error count(const json::Object &O, size_t Index, uint64_t &Out,
                    llvm::StringRef Key = "count",
                    bool Optional = false) const {
    const json::Value *V = O.get(Key);
    if (!V && Optional)
      return llvm::Error::success();
    if (V)
      if (std::optional<uint64_t> U = V->getAsUINT64()) {
        Out = *U;
        return llvm::Error::success();
      }
    return error(Index, "'" + Key + "' must be a non-negative integer");
  }

  llvm::Error strings(const json::Object &O, size_t Index, llvm::StringRef Key,
                      std::vector<std::string> &Out) const {
    const json::Array *A = O.getArray(Key);
    if (!A)
      return error(Index, "'" + Key + "' must be an array of strings");
    for (const json::Value &V : *A) {
      std::optional<llvm::StringRef> S = V.getAsString();
      if (!S)
        return error(Index, "'" + Key + "' must be an array of strings");
      Out.push_back(S->str());
    }
    return llvm::Error::success();
  }

  /// Calls \p Entry for each object of the section, if it is present.
  template <typename Fn>
  llvm::Error each(const json::Object &Root, Fn Entry) const {
    const json::Value *V = Root.get(Section);
    if (!V)
      return llvm::Error::success();
    const json::Array *A = V->getAsArray();
    if (!A)
      return llvm::createStringError(
          llvm::formatv("{0}: not a valid evidence file: '{1}' must be an "
                        "array",
                        Origin, Section)
              .str());
    for (size_t I = 0; I < A->size(); ++I) {
      const json::Object *O = (*A)[I].getAsObject();
      if (!O)
        return error(I, "must be an object");
      if (llvm::Error Err = Entry(*O, I))
        return Err;
    }
    return llvm::Error::success();
  }

private:
  llvm::StringRef Origin;
  llvm::StringRef Section;
};

/// Whether containers nest deeper than EvidenceMaxDepth, the runtime's
/// reader's limit (llvm::json has none and would recurse as deep as the
/// text goes). Exact for JSON text; text that is not JSON fails either way.
bool nestsTooDeep(llvm::StringRef Text) {
  int Depth = 0;
  bool InString = false;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (InString) {
      if (C == '\\')
        ++I;
      else if (C == '"')
        InString = false;
    } else if (C == '"') {
      InString = true;
    } else if (C == '[' || C == '{') {
      if (++Depth > EvidenceMaxDepth)
        return true;
    } else if (C == ']' || C == '}') {
      --Depth;
    }
  }
  return false;
}

} // namespace

llvm::Expected<Evidence> parseEvidence(llvm::StringRef Text,
                                       llvm::StringRef Origin) {
  if (nestsTooDeep(Text))
    return llvm::createStringError(
        llvm::formatv("{0}: malformed evidence file: containers nested deeper "
                      "than {1}",
                      Origin, EvidenceMaxDepth)
            .str());
  llvm::Expected<json::Value> Parsed = json::parse(Text);
  if (!Parsed)
    return llvm::createStringError(
        llvm::formatv("{0}: malformed evidence file: {1}", Origin,
                      llvm::toString(Parsed.takeError()))
            .str());
  const json::Object *Root = Parsed->getAsObject();
  const json::Value *VersionValue =
      Root ? Root->get("tenure_evidence") : nullptr;
  std::optional<uint64_t> Version =
      VersionValue ? VersionValue->getAsUINT64() : std::nullopt;
  if (!Version || *Version < 1)
    return llvm::createStringError(Origin +
                                   ": not a tenure evidence file (no positive "
                                   "\"tenure_evidence\" version)");
  if (*Version > static_cast<uint64_t>(EvidenceVersion))
    return llvm::createStringError(
        llvm::formatv("{0}: written by a newer tenure (evidence schema "
                      "version {1}, this build reads up to {2})",
                      Origin, *Version, EvidenceVersion)
            .str());

  Evidence E;
  SectionReader Cycles(Origin, "cycles");
  if (llvm::Error Err = Cycles.each(
          *Root, [&](const json::Object &O, size_t I) -> llvm::Error {
            EvidenceCycle C;
            if (llvm::Error Err = Cycles.strings(O, I, "types", C.Types))
              return Err;
            if (llvm::Error Err = Cycles.strings(O, I, "fields", C.Fields))
              return Err;
            if (C.Types.empty() || C.Fields.size() != C.Types.size())
              return Cycles.error(I, "'types' must be non-empty and as long as "
                                     "'fields'");
            if (llvm::Error Err = Cycles.count(O, I, C.Count))
              return Err;
            if (O.get("sites"))
              if (llvm::Error Err = Cycles.strings(O, I, "sites", C.Sites))
                return Err;
            if (O.get("tests"))
              if (llvm::Error Err = Cycles.strings(O, I, "tests", C.Tests))
                return Err;
            E.Cycles.push_back(std::move(C));
            return llvm::Error::success();
          }))
    return Err;

  SectionReader Growth(Origin, "growth");
  if (llvm::Error Err = Growth.each(
          *Root, [&](const json::Object &O, size_t I) -> llvm::Error {
            EvidenceGrowth G;
            if (llvm::Error Err = Growth.string(O, I, "type", G.Type))
              return Err;
            if (llvm::Error Err = Growth.string(O, I, "site", G.Site))
              return Err;
            if (llvm::Error Err = Growth.string(O, I, "test", G.Test))
              return Err;
            if (llvm::Error Err = Growth.count(O, I, G.Count))
              return Err;
            if (const json::Value *Holders = O.get("holders")) {
              const json::Array *A = Holders->getAsArray();
              if (!A)
                return Growth.error(I, "'holders' must be an array");
              for (const json::Value &V : *A) {
                const json::Object *H = V.getAsObject();
                EvidenceHolder Holder;
                if (!H)
                  return Growth.error(I, "'holders' must hold objects");
                if (llvm::Error Err =
                        Growth.strings(*H, I, "types", Holder.Types))
                  return Err;
                if (llvm::Error Err =
                        Growth.strings(*H, I, "fields", Holder.Fields))
                  return Err;
                if (Holder.Types.empty() ||
                    Holder.Fields.size() != Holder.Types.size())
                  return Growth.error(I, "a holder's 'types' must be non-empty "
                                         "and as long as its 'fields'");
                if (llvm::Error Err = Growth.count(*H, I, Holder.Count))
                  return Err;
                G.Holders.push_back(std::move(Holder));
              }
            }
            E.Growth.push_back(std::move(G));
            return llvm::Error::success();
          }))
    return Err;

  SectionReader Copies(Origin, "copies");
  if (llvm::Error Err = Copies.each(
          *Root, [&](const json::Object &O, size_t I) -> llvm::Error {
            EvidenceCopies C;
            if (llvm::Error Err = Copies.string(O, I, "site", C.Site))
              return Err;
            if (llvm::Error Err = Copies.count(O, I, C.Count))
              return Err;
            E.Copies.push_back(std::move(C));
            return llvm::Error::success();
          }))
    return Err;

  SectionReader Leaks(Origin, "leaks");
  if (llvm::Error Err = Leaks.each(
          *Root, [&](const json::Object &O, size_t I) -> llvm::Error {
            EvidenceLeak L;
            if (llvm::Error Err = Leaks.strings(O, I, "types", L.Types))
              return Err;
            for (auto [Key, Out] :
                 {std::pair{"cycle", &L.Cycle}, std::pair{"sites", &L.Sites},
                  std::pair{"tests", &L.Tests}})
              if (O.get(Key))
                if (llvm::Error Err = Leaks.strings(O, I, Key, *Out))
                  return Err;
            if (llvm::Error Err = Leaks.count(O, I, L.Count))
              return Err;
            if (llvm::Error Err = Leaks.count(O, I, L.Blocks, "blocks", true))
              return Err;
            if (llvm::Error Err = Leaks.count(O, I, L.Bytes, "bytes", true))
              return Err;
            E.Leaks.push_back(std::move(L));
            return llvm::Error::success();
          }))
    return Err;
  return E;
}

llvm::Expected<Evidence> readEvidence(llvm::StringRef Path) {
  auto Text = llvm::MemoryBuffer::getFile(Path);
  if (!Text)
    return llvm::createStringError(
        Path + ": cannot read the evidence file: " + Text.getError().message());
  return parseEvidence((*Text)->getBuffer(), Path);
}

} // namespace tenure::analyzer
