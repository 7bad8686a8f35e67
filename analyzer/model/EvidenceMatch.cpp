//===- EvidenceMatch.cpp - Static findings confirmed by test runs ---------===//

#include "analyzer/model/EvidenceMatch.h"

#include "analyzer/model/CheckRegistry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

namespace tenure::analyzer {

namespace {

EvidenceKind evidenceOf(const Finding &F) {
  const CheckDescriptor *Check = findCheck(F.Check);
  return Check ? Check->Evidence : EvidenceKind::None;
}

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

/// The analysed code's records, by the names the runtime can spell.
class Records {
public:
  explicit Records(const Facts &F) : F(F) {
    for (const RecordFact &R : F.Records)
      ByName.try_emplace(comparableTypeName(R.Name), &R);
  }

  const RecordFact *find(llvm::StringRef Type) const {
    return ByName.lookup(comparableTypeName(Type));
  }

  /// Whether an object of the runtime's type \p Runtime can be where the
  /// analysis saw \p Static: the same record or a subclass of it (the
  /// runtime records the most derived type).
  bool isA(llvm::StringRef Runtime, llvm::StringRef Static) const {
    std::string Wanted = comparableTypeName(Static);
    std::vector<std::string> Work = {comparableTypeName(Runtime)};
    llvm::StringSet<> Seen;
    while (!Work.empty()) {
      std::string Type = Work.back();
      Work.pop_back();
      if (Type == Wanted)
        return true;
      if (!Seen.insert(Type).second)
        continue;
      if (const RecordFact *R = ByName.lookup(Type))
        for (const std::string &Base : R->Bases)
          Work.push_back(comparableTypeName(Base));
    }
    return false;
  }

  /// The field of \p Owner (or of one of its bases) that trace() names
  /// \p Name, if the analysis knows one.
  const FieldFact *field(llvm::StringRef Owner, llvm::StringRef Name) const {
    if (Name.empty())
      return nullptr;
    std::string Wanted = comparableField(Name);
    for (const FieldFact &Field : F.Fields)
      if (comparableField(Field.Field) == Wanted && isA(Owner, Field.Owner))
        return &Field;
    return nullptr;
  }

private:
  const Facts &F;
  llvm::StringMap<const RecordFact *> ByName;
};

enum class CycleMatch { None, Types, TypesAndFields };

/// Whether \p F's cycle is \p C's, in any rotation. Types alone match only
/// where the runtime's field names are not fields the analysis knows (trace
/// labels of their own): otherwise it is another cycle through the types.
CycleMatch matchCycle(const Finding &F, const EvidenceCycle &C,
                      const Records &Known) {
  size_t N = C.Types.size();
  if (F.Types.size() != N || F.Fields.size() != N)
    return CycleMatch::None;
  bool TypesOnly = false;
  for (size_t Start = 0; Start < N; ++Start) {
    bool Types = true, Fields = true, Labels = true;
    for (size_t I = 0; I < N && Types; ++I) {
      size_t J = (Start + I) % N;
      Types = Known.isA(C.Types[I], F.Types[J]);
      if (C.Fields[I].empty() ||
          comparableField(F.Fields[J]) == comparableField(C.Fields[I]))
        continue;
      Fields = false;
      Labels &= !Known.field(C.Types[I], C.Fields[I]);
    }
    if (Types && Fields)
      return CycleMatch::TypesAndFields;
    TypesOnly |= Types && Labels;
  }
  return TypesOnly ? CycleMatch::Types : CycleMatch::None;
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

/// The objects that outlived their tests, matched against the types of a
/// finding. \p Together asks for tests in which every type had survivors
/// (a cycle leaks all its objects at once); otherwise any type will do.
class Survivors {
public:
  explicit Survivors(const std::vector<EvidenceGrowth> &Growth)
      : Growth(Growth), Used(Growth.size()) {}

  /// "3 'Session' objects outlived 2 tests", or "" when none qualify. For a
  /// cache finding, only survivors the container holds count (heldBy).
  std::string match(const std::vector<std::string> &Types, bool Together,
                    const Records &Known, Finding &Item) {
    llvm::StringRef Container;
    if (evidenceOf(Item) == EvidenceKind::Survivors)
      Container = Item.Key;
    llvm::StringMap<std::vector<size_t>> ByTest;
    for (size_t I = 0; I < Growth.size(); ++I)
      if (Growth[I].Count && llvm::any_of(Types, [&](const std::string &T) {
            return Known.isA(Growth[I].Type, T);
          }))
        ByTest[Growth[I].Test].push_back(I);
    uint64_t Count = 0;
    std::vector<std::string> Tests, Names;
    for (const auto &[Test, Entries] : ByTest) {
      bool Complete = llvm::all_of(Types, [&](const std::string &T) {
        return llvm::any_of(
            Entries, [&](size_t I) { return Known.isA(Growth[I].Type, T); });
      });
      if (Together && !Complete)
        continue;
      uint64_t Held = 0;
      for (size_t I : Entries)
        Held += heldBy(Growth[I], Container, Known);
      if (!Held)
        continue;
      Tests.push_back(Test.str());
      for (size_t I : Entries) {
        uint64_t N = heldBy(Growth[I], Container, Known);
        if (!N)
          continue;
        Used[I] = true;
        Count += N;
        std::string Name = "'" + shownName(Growth[I].Type).str() + "'";
        if (!llvm::is_contained(Names, Name))
          Names.push_back(Name);
      }
    }
    if (!Count)
      return "";
    llvm::sort(Names);
    confirm(Item, Count, Tests);
    return llvm::formatv("{0} {1} {2} outlived {3}", Item.Confirmed->Count,
                         llvm::join(Names, ", "),
                         Item.Confirmed->Count == 1 ? "object" : "objects",
                         counted(Item.Confirmed->Tests.size(), "test", "tests"))
        .str();
  }

  size_t used() const { return llvm::count(Used, true); }

private:
  /// How many of \p G's objects the container \p Container ("Owner::field",
  /// or a variable's name; "" for none) holds. Without holder records, all
  /// of them. With them, the sampled share whose retention path passes
  /// through Owner's field, or, for a container outside the heap (a variable,
  /// or a member of a class that is not a tenure::Object), the share held
  /// from outside the heap (a one-step path).
  static uint64_t heldBy(const EvidenceGrowth &G, llvm::StringRef Container,
                         const Records &Known) {
    if (G.Holders.empty() || Container.empty())
      return G.Count;
    auto [Owner, Field] = Container.rsplit("::");
    bool OnHeap = !Field.empty() && Known.field(Owner, Field) &&
                  Known.isA(Owner, "tenure::Object");
    uint64_t Sampled = 0, Through = 0;
    for (const EvidenceHolder &H : G.Holders) {
      Sampled += H.Count;
      bool Passes = !OnHeap && H.Types.size() == 1;
      for (size_t I = 1; OnHeap && !Passes && I < H.Types.size(); ++I)
        Passes = Known.isA(H.Types[I - 1], Owner) &&
                 (H.Fields[I].empty() ||
                  comparableField(H.Fields[I]) == comparableField(Field));
      if (Passes)
        Through += H.Count;
    }
    if (!Through || !Sampled)
      return 0;
    // The sample stands for all of G's objects.
    return std::max<uint64_t>(
        1, static_cast<uint64_t>(static_cast<long double>(G.Count) * Through /
                                 Sampled));
  }

  const std::vector<EvidenceGrowth> &Growth;
  std::vector<bool> Used;
};

/// The lines of a file, split once however many findings ask.
class Lines {
public:
  explicit Lines(SourceText Source) : Source(Source) {}

  /// The lines of the statement that starts at \p Line: up to where its
  /// parentheses close, or the first ';' or '{' outside them; at most five.
  /// Compilers put the site of a copy on different lines of a statement
  /// that spans several (g++ the range of a range-for, clang its variable).
  std::pair<unsigned, unsigned> statement(llvm::StringRef File, unsigned Line) {
    auto [It, Inserted] = Split.try_emplace(File);
    if (Inserted)
      Source(File).split(It->second, '\n');
    const auto &Text = It->second;
    int Depth = 0;
    bool Opened = false;
    for (unsigned L = Line; L >= 1 && L <= Text.size() && L < Line + 5; ++L)
      for (char C : Text[L - 1]) {
        if (C == '(') {
          ++Depth;
          Opened = true;
        } else if (C == ')') {
          --Depth;
        }
        if (Depth <= 0 && ((Opened && C == ')') || C == ';' || C == '{'))
          return {Line, L};
      }
    return {Line, Line};
  }

private:
  SourceText Source;
  llvm::StringMap<llvm::SmallVector<llvm::StringRef, 0>> Split;
};

/// Splits "file:line"; Line is 0 when the site has none.
std::pair<llvm::StringRef, unsigned> splitSite(llvm::StringRef Site) {
  auto [File, LineText] = Site.rsplit(':');
  unsigned Line = 0;
  if (LineText.getAsInteger(10, Line))
    return {Site, 0};
  return {File, Line};
}

/// A leaked cycle no finding explains, at the declaration of its first type;
/// nullopt when the analysed code does not declare its types.
std::optional<Finding> runtimeOnlyFinding(const EvidenceCycle &C,
                                          const Records &Known) {
  std::vector<const RecordFact *> Declared;
  for (const std::string &Type : C.Types)
    Declared.push_back(Known.find(Type));
  if (llvm::is_contained(Declared, nullptr) || !Declared.front()->Loc.valid())
    return std::nullopt;
  std::string Path = cyclePath(C.Types, C.Fields);
  Finding R;
  R.Check = refCycleCheck().Name.str();
  R.Loc = Declared.front()->Loc;
  R.RuntimeOnly = true;
  R.Types = C.Types;
  R.Fields = C.Fields;
  R.Key = "runtime cycle " + Path;
  R.Context = shownName(Declared.front()->Name).str();
  confirm(R, C.Count, C.Tests).Summary = cycleSummary(C.Count, C.Tests.size());
  R.Message = llvm::formatv(
      "strong reference cycle {0} leaked at runtime ({1}) but no statement "
      "the analysis read closes it; make one of its edges a weak handle",
      Path, R.Confirmed->Summary);
  for (size_t I = 0; I < C.Types.size(); ++I)
    if (const FieldFact *Field = Known.field(C.Types[I], C.Fields[I]);
        Field && Field->Loc.valid())
      R.Notes.push_back(
          {Field->Loc,
           llvm::formatv("'{0}::{1}' holds the next object, a '{2}'",
                         shownName(Field->Owner), Field->Field,
                         C.Types[(I + 1) % C.Types.size()])});
  return R;
}

std::string leakSummary(uint64_t Count, size_t Tests) {
  return cycleSummary(Count, Tests) + ", seen by LeakSanitizer";
}

/// Whether every type on \p F's loop had a block on a pointer cycle of the
/// leaked structure \p L (the witness for code tenure's collector does not
/// see: std::shared_ptr and other handles). The structure may hold more
/// (container buffers, a std::function's callable): they are how the loop
/// is stored, not another loop.
bool leakMatches(const Finding &F, const EvidenceLeak &L,
                 const Records &Known) {
  return !F.Types.empty() &&
         llvm::all_of(F.Types, [&](const std::string &Static) {
           return llvm::any_of(L.Cycle, [&](const std::string &Leaked) {
             return Known.isA(Leaked, Static);
           });
         });
}

/// A leaked pointer cycle no finding explains, at the declaration of the
/// first of its types the analysed code declares; nullopt when it declares
/// none of them (a third-party library's leak).
std::optional<Finding> runtimeOnlyLeak(const EvidenceLeak &L,
                                       const Records &Known) {
  const RecordFact *Declared = nullptr;
  std::vector<std::string> Types;
  for (const std::string &Type : L.Cycle)
    if (const RecordFact *R = Known.find(Type)) {
      if (!Declared && R->Loc.valid())
        Declared = R;
      Types.push_back(shownName(Type).str());
    }
  if (!Declared)
    return std::nullopt;
  std::string Names = "'" + llvm::join(Types, "', '") + "'";
  Finding R;
  R.Check = refCycleCheck().Name.str();
  R.Loc = Declared->Loc;
  R.RuntimeOnly = true;
  R.Types = Types;
  R.Fields.assign(Types.size(), "");
  R.Key = "runtime leak cycle " + llvm::join(Types, ", ");
  R.Context = shownName(Declared->Name).str();
  confirm(R, L.Count, L.Tests).Summary = leakSummary(L.Count, L.Tests.size());
  R.Message = llvm::formatv(
      "objects of {0} leaked in a pointer cycle at runtime ({1}) but no "
      "statement the analysis read closes a strong cycle through them; find "
      "the owning edge that points back and make it a weak handle",
      Names, R.Confirmed->Summary);
  return R;
}

} // namespace

std::string comparableTypeName(llvm::StringRef Name) {
  Name = shownName(Name);
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
  // A path relative to a build directory ("../../src/a.cpp", as a compiler
  // run through ccache's base_dir records it) names the file by what
  // follows its leading "../".
  for (llvm::StringRef *Path : {&A, &B})
    while (Path->consume_front("../") || Path->consume_front("./"))
      ;
  if (A == B)
    return true;
  if (A.size() < B.size())
    std::swap(A, B);
  return A.ends_with(B) && A[A.size() - B.size() - 1] == '/';
}

MatchSummary matchEvidence(std::vector<Finding> &Findings, const Evidence &E,
                           const Facts &F, SourceText Source) {
  MatchSummary Summary;
  Records Known(F);

  // Leaked cycles: the findings that predicted them, or findings of their own.
  for (const EvidenceCycle &C : E.Cycles) {
    std::vector<Finding *> Matches;
    for (CycleMatch Wanted : {CycleMatch::TypesAndFields, CycleMatch::Types}) {
      for (Finding &Item : Findings)
        if (evidenceOf(Item) == EvidenceKind::LeakedCycles &&
            matchCycle(Item, C, Known) == Wanted)
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
    } else if (std::optional<Finding> R = runtimeOnlyFinding(C, Known)) {
      ++Summary.RecordsUsed;
      Summary.RuntimeOnly.push_back(std::move(*R));
    } else {
      Summary.UnknownCycles.push_back(cyclePath(C.Types, C.Fields));
    }
  }

  // What LeakSanitizer found unreachable: a cycle finding is confirmed by a
  // leaked structure with a pointer cycle through all of its types.
  for (const EvidenceLeak &L : E.Leaks) {
    if (L.Cycle.empty())
      continue; // a plain leak, not a retention cycle
    bool Used = false;
    for (Finding &Item : Findings)
      if (evidenceOf(Item) == EvidenceKind::LeakedCycles &&
          leakMatches(Item, L, Known)) {
        Confirmation &Seen = confirm(Item, L.Count, L.Tests);
        Seen.Summary = leakSummary(Seen.Count, Seen.Tests.size());
        Used = true;
      }
    if (Used) {
      ++Summary.RecordsUsed;
    } else if (std::optional<Finding> R = runtimeOnlyLeak(L, Known)) {
      ++Summary.RecordsUsed;
      Summary.RuntimeOnly.push_back(std::move(*R));
    } else {
      Summary.UnknownCycles.push_back("(LeakSanitizer) " +
                                      llvm::join(L.Cycle, ", "));
    }
  }

  // Objects that outlived their tests: what a growing cache holds, and the
  // objects of a cycle the collector cannot see (an edge no trace() visits),
  // all of them in the same test.
  Survivors Survived(E.Growth);
  for (Finding &Item : Findings) {
    bool Cache = evidenceOf(Item) == EvidenceKind::Survivors;
    bool Untraced = evidenceOf(Item) == EvidenceKind::LeakedCycles &&
                    Item.UntracedEdge && !Item.Confirmed;
    if (!Cache && !Untraced)
      continue;
    std::string Text =
        Survived.match(Item.Types, /*Together=*/Untraced, Known, Item);
    if (!Text.empty())
      Item.Confirmed->Summary = Text;
  }
  Summary.RecordsUsed += Survived.used();

  // Copies counted at a finding's statement, or at the calls its notes
  // point to (a by-value parameter is copied by its callers).
  Lines Text(Source);
  for (Finding &Item : Findings) {
    if (evidenceOf(Item) != EvidenceKind::Copies)
      continue;
    struct Place {
      llvm::StringRef File;
      unsigned First, Last;
    };
    std::vector<Place> Places;
    auto AddPlace = [&](const Location &At) {
      auto [First, Last] = Text.statement(At.File, At.Line);
      Places.push_back({At.File, First, Last});
    };
    AddPlace(Item.Loc);
    for (const Note &N : Item.Notes)
      AddPlace(N.Loc);
    uint64_t Count = 0;
    for (const EvidenceCopies &C : E.Copies) {
      auto [File, Line] = splitSite(C.Site);
      if (llvm::any_of(Places, [&, File = File, Line = Line](const Place &P) {
            return Line >= P.First && Line <= P.Last && sameFile(File, P.File);
          })) {
        Count += C.Count;
        ++Summary.RecordsUsed;
      }
    }
    if (Count)
      confirm(Item, Count, {}).Summary = counted(Count, "copy", "copies");
  }
  return Summary;
}

} // namespace tenure::analyzer
