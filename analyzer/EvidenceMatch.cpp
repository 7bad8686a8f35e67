//===- EvidenceMatch.cpp - Static findings confirmed by test runs ---------===//

#include "analyzer/EvidenceMatch.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

namespace tenure::analyzer {

namespace {

constexpr llvm::StringLiteral RefCycleCheck = "tenure-ref-cycle";
constexpr llvm::StringLiteral UnboundedCacheCheck = "tenure-unbounded-cache";
constexpr llvm::StringLiteral NeedlessCopyCheck = "tenure-needless-copy";

std::string counted(uint64_t N, llvm::StringRef One, llvm::StringRef Many) {
  return llvm::formatv("{0} {1}", N, N == 1 ? One : Many).str();
}

void addTests(std::vector<std::string> &Into,
              const std::vector<std::string> &From) {
  llvm::append_range(Into, From);
  llvm::sort(Into);
  Into.erase(std::unique(Into.begin(), Into.end()), Into.end());
}

/// Adds what the runtime saw to a finding's confirmation; the caller words
/// the summary from the totals.
Confirmation &confirm(Finding &F, uint64_t Count,
                      const std::vector<std::string> &Tests) {
  if (!F.Confirmed)
    F.Confirmed.emplace();
  F.Confirmed->Count += Count;
  addTests(F.Confirmed->Tests, Tests);
  return *F.Confirmed;
}

/// trace() names are written by hand: `t("sections", sections_)`.
std::string comparableField(llvm::StringRef Field) {
  Field.consume_front("m_");
  return Field.rtrim('_').str();
}

enum class CycleMatch { None, Types, TypesAndFields };

/// Whether \p F's cycle is \p C's, in any rotation.
CycleMatch matchCycle(const Finding &F, const EvidenceCycle &C) {
  size_t N = C.Types.size();
  if (F.Types.size() != N || F.Fields.size() != N)
    return CycleMatch::None;
  CycleMatch Best = CycleMatch::None;
  for (size_t Start = 0; Start < N; ++Start) {
    bool Types = true, Fields = true;
    for (size_t I = 0; I < N && Types; ++I) {
      size_t J = (Start + I) % N;
      Types = comparableTypeName(F.Types[J]) == comparableTypeName(C.Types[I]);
      Fields &= C.Fields[I].empty() ||
                comparableField(F.Fields[J]) == comparableField(C.Fields[I]);
    }
    if (Types && Fields)
      return CycleMatch::TypesAndFields;
    if (Types)
      Best = CycleMatch::Types;
  }
  return Best;
}

std::string cyclePath(const std::vector<std::string> &Types,
                      const std::vector<std::string> &Fields) {
  std::string Path = Types.front();
  for (size_t I = 0; I < Types.size(); ++I)
    Path += (Fields[I].empty() ? " -> " : " -" + Fields[I] + "-> ") +
            Types[(I + 1) % Types.size()];
  return Path;
}

std::string cycleSummary(uint64_t Count, size_t Tests) {
  return counted(Count, "cycle", "cycles") + " in " +
         counted(Tests, "test", "tests");
}

/// Objects of one type that outlived the test that made them.
struct Survivors {
  uint64_t Count = 0;
  std::vector<std::string> Tests;
  bool Used = false;
};

/// "3 'Session' objects outlived 2 tests" for the types \p Types, or "" when
/// one of them left no survivors.
std::string survivorSummary(llvm::StringMap<Survivors> &ByType,
                            const std::vector<std::string> &Types,
                            uint64_t &Count, std::vector<std::string> &Tests,
                            bool RequireAll) {
  std::vector<std::string> Names;
  std::vector<Survivors *> Found;
  for (const std::string &Type : Types) {
    auto It = ByType.find(comparableTypeName(Type));
    if (It == ByType.end()) {
      if (RequireAll)
        return "";
      continue;
    }
    if (!llvm::is_contained(Found, &It->second)) {
      Found.push_back(&It->second);
      Names.push_back("'" + Type + "'");
    }
  }
  if (Found.empty())
    return "";
  Count = 0;
  Tests.clear();
  for (Survivors *S : Found) {
    S->Used = true;
    Count += S->Count;
    addTests(Tests, S->Tests);
  }
  return llvm::formatv("{0} {1} {2} outlived {3}", Count,
                       llvm::join(Names, ", "),
                       Count == 1 ? "object" : "objects",
                       counted(Tests.size(), "test", "tests"))
      .str();
}

/// The lines of the statement that starts at \p Line: up to the first line
/// with a ';' or '{', at most five. Compilers put the site of a copy on
/// different lines of a statement that spans several.
std::pair<unsigned, unsigned> statementLines(llvm::StringRef Text,
                                             unsigned Line) {
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Text.split(Lines, '\n');
  unsigned Last = Line;
  for (unsigned L = Line; L >= 1 && L <= Lines.size() && L < Line + 5; ++L) {
    Last = L;
    if (Lines[L - 1].find_first_of(";{") != llvm::StringRef::npos)
      break;
  }
  return {Line, Last};
}

/// Splits "file:line"; Line is 0 when the site has none.
std::pair<llvm::StringRef, unsigned> splitSite(llvm::StringRef Site) {
  auto [File, LineText] = Site.rsplit(':');
  unsigned Line = 0;
  if (LineText.getAsInteger(10, Line))
    return {Site, 0};
  return {File, Line};
}

} // namespace

std::string comparableTypeName(llvm::StringRef Name) {
  Name = Name.take_until([](char C) { return C == '@'; });
  std::string Out;
  while (!Name.empty()) {
    if (Name.consume_front("(anonymous namespace)::") ||
        Name.consume_front("{anonymous}::"))
      continue;
    char C = Name.front();
    Name = Name.drop_front();
    if (C != ' ')
      Out += C;
  }
  return Out;
}

bool sameFile(llvm::StringRef A, llvm::StringRef B) {
  if (A == B)
    return true;
  if (A.size() < B.size())
    std::swap(A, B);
  return A.ends_with(B) && A[A.size() - B.size() - 1] == '/';
}

MatchSummary matchEvidence(std::vector<Finding> &Findings, const Evidence &E,
                           const Facts &F, SourceText Source) {
  MatchSummary Summary;

  // Leaked cycles: the findings that predicted them, or findings of their own.
  for (const EvidenceCycle &C : E.Cycles) {
    std::vector<Finding *> Matches;
    for (CycleMatch Wanted : {CycleMatch::TypesAndFields, CycleMatch::Types}) {
      for (Finding &Item : Findings)
        if (Item.Check == RefCycleCheck && matchCycle(Item, C) == Wanted)
          Matches.push_back(&Item);
      if (!Matches.empty())
        break;
    }
    for (Finding *Item : Matches) {
      Confirmation &Seen = confirm(*Item, C.Count, C.Tests);
      Seen.Summary = cycleSummary(Seen.Count, Seen.Tests.size());
    }
    if (!Matches.empty()) {
      ++Summary.RecordsUsed;
      continue;
    }
    std::vector<const RecordFact *> Declared;
    for (const std::string &Type : C.Types) {
      std::string Wanted = comparableTypeName(Type);
      auto It = llvm::find_if(F.Records, [&](const RecordFact &R) {
        return comparableTypeName(R.Name) == Wanted;
      });
      Declared.push_back(It == F.Records.end() ? nullptr : &*It);
    }
    std::string Path = cyclePath(C.Types, C.Fields);
    if (llvm::is_contained(Declared, nullptr) || !Declared.front()->Loc.valid()) {
      Summary.UnknownCycles.push_back(Path);
      continue;
    }
    ++Summary.RecordsUsed;
    Finding R;
    R.Check = RefCycleCheck.str();
    R.Loc = Declared.front()->Loc;
    R.RuntimeOnly = true;
    R.Types = C.Types;
    R.Fields = C.Fields;
    R.Key = "runtime cycle " + Path;
    R.Context = Declared.front()->Name.substr(0, Declared.front()->Name.find('@'));
    confirm(R, C.Count, C.Tests).Summary =
        cycleSummary(C.Count, C.Tests.size());
    R.Message = llvm::formatv(
        "strong reference cycle {0} leaked at runtime ({1}) but no statement "
        "the analysis read closes it; make one of its edges a weak handle",
        Path, R.Confirmed->Summary);
    for (size_t I = 0; I < C.Types.size(); ++I) {
      auto Field = llvm::find_if(F.Fields, [&](const FieldFact &FF) {
        return FF.Owner == Declared[I]->Name && !C.Fields[I].empty() &&
               comparableField(FF.Field) == comparableField(C.Fields[I]);
      });
      if (Field != F.Fields.end() && Field->Loc.valid())
        R.Notes.push_back(
            {Field->Loc, llvm::formatv("'{0}::{1}' holds the next object, a "
                                       "'{2}'",
                                       C.Types[I], Field->Field,
                                       C.Types[(I + 1) % C.Types.size()])});
    }
    Summary.RuntimeOnly.push_back(std::move(R));
  }

  // Objects that outlived their test: growing caches, and cycles the
  // collector could not see (an edge no trace() visits).
  llvm::StringMap<Survivors> ByType;
  for (const EvidenceGrowth &G : E.Growth) {
    Survivors &S = ByType[comparableTypeName(G.Type)];
    S.Count += G.Count;
    addTests(S.Tests, {G.Test});
  }
  for (Finding &Item : Findings) {
    bool Cache = Item.Check == UnboundedCacheCheck;
    if (!Cache && (Item.Check != RefCycleCheck || Item.Confirmed))
      continue;
    uint64_t Count = 0;
    std::vector<std::string> Tests;
    std::string Text = survivorSummary(ByType, Item.Types, Count, Tests,
                                       /*RequireAll=*/!Cache);
    if (!Text.empty())
      confirm(Item, Count, Tests).Summary = Text;
  }
  Summary.RecordsUsed += llvm::count_if(
      ByType, [](const auto &Entry) { return Entry.getValue().Used; });

  // Copies counted at a finding's statement, or at the calls its notes
  // point to (a by-value parameter is copied by its callers).
  for (Finding &Item : Findings) {
    if (Item.Check != NeedlessCopyCheck)
      continue;
    std::vector<Location> Places = {Item.Loc};
    for (const Note &N : Item.Notes)
      Places.push_back(N.Loc);
    uint64_t Count = 0;
    for (const EvidenceCopies &C : E.Copies) {
      auto [File, Line] = splitSite(C.Site);
      bool Here = llvm::any_of(Places, [&, File = File, Line = Line](
                                           const Location &At) {
        auto [First, Last] = statementLines(Source(At.File), At.Line);
        return Line >= First && Line <= Last && sameFile(File, At.File);
      });
      if (Here) {
        Count += C.Count;
        ++Summary.RecordsUsed;
      }
    }
    if (Count)
      confirm(Item, Count, {}).Summary = counted(Count, "copy", "copies");
  }

  Summary.Confirmed =
      llvm::count_if(Findings, [](const Finding &Item) {
        return Item.Confirmed.has_value();
      });
  return Summary;
}

} // namespace tenure::analyzer
