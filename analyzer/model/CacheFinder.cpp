//===- CacheFinder.cpp - Containers that only grow, judged on facts -------===//

#include "analyzer/model/CacheFinder.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>

namespace tenure::analyzer {
namespace {

/// Why objects of a record live as long as the program: the chain of
/// holders up to a static, shown in a note at the static.
struct LongLife {
  std::string Text;
  Location Loc;
};

class Lifetimes {
public:
  explicit Lifetimes(const Facts &F) {
    for (const LifetimeFact &L : F.Lifetimes) {
      if (L.Kind == LifetimeKind::MadeAsValue)
        Values.insert(L.Record);
      else
        Facts[L.Record].push_back(&L);
    }
  }

  bool madeAsValue(llvm::StringRef Record) const {
    return Values.contains(Record);
  }

  std::optional<LongLife> longLived(const std::string &Record) {
    llvm::StringSet<> Seen;
    std::optional<LongLife> Chain = find(Record, Seen);
    if (Chain)
      Chain->Text = llvm::formatv("'{0}' lives as long as the program: {1}",
                                  shownName(Record), Chain->Text);
    return Chain;
  }

private:
  // "'Services' holds a 'Journal', 'Services::get::services' holds a
  // 'Services'", located at the static.
  std::optional<LongLife> find(const std::string &Record,
                               llvm::StringSet<> &Seen) {
    if (!Seen.insert(Record).second || Seen.size() > 8)
      return std::nullopt;
    auto It = Facts.find(Record);
    if (It == Facts.end())
      return std::nullopt;
    for (const LifetimeFact *L : It->second)
      if (L->Kind == LifetimeKind::StaticObject)
        return LongLife{llvm::formatv("'{0}' holds one", shownName(L->By)),
                        L->Loc};
    for (const LifetimeFact *L : It->second) {
      if (L->Kind != LifetimeKind::HeldBy)
        continue;
      if (std::optional<LongLife> Holder = find(L->By, Seen)) {
        Holder->Text =
            llvm::formatv("'{0}' holds a '{1}', and {2}", shownName(L->By),
                          shownName(Record), Holder->Text);
        return Holder;
      }
    }
    return std::nullopt;
  }

  llvm::StringMap<std::vector<const LifetimeFact *>> Facts;
  llvm::StringSet<> Values;
};

/// "Outer[][]" -> "Outer[]" -> "Outer".
std::vector<std::string> enclosingLevels(llvm::StringRef Key) {
  std::vector<std::string> Out;
  while (Key.ends_with("[]")) {
    Key = Key.drop_back(2);
    Out.push_back(Key.str());
  }
  return Out;
}

// The key as the user wrote it: without the '@file' tag of an anonymous
// namespace record or a static (which may sit before a "::field"), with the
// levels of a nest as "[]".
std::string shownLevel(llvm::StringRef Key) {
  std::string Shown;
  while (!Key.empty()) {
    size_t At = Key.find('@');
    Shown += Key.take_front(At).str();
    if (At == llvm::StringRef::npos)
      break;
    // The tag runs to the next "::field" or "[]", or to the end.
    Key = Key.drop_front(At);
    size_t End = std::min(Key.find("::"), Key.find('['));
    Key =
        End == llvm::StringRef::npos ? llvm::StringRef() : Key.drop_front(End);
  }
  return Shown;
}

} // namespace

std::vector<CacheFinding> findUnboundedCaches(const Facts &F,
                                              bool WholeProgram) {
  llvm::StringMap<std::vector<const ContainerUseFact *>> Uses;
  for (const ContainerUseFact &U : F.ContainerUses)
    Uses[U.Key].push_back(&U);
  llvm::StringMap<std::vector<const ClosureStoreFact *>> Stores;
  for (const ClosureStoreFact &S : F.ClosureStores)
    Stores[S.Factory].push_back(&S);
  // The memo pattern on any level makes the whole nest a cache.
  llvm::StringSet<> MemoRoots;
  for (const ContainerUseFact &U : F.ContainerUses)
    if (U.Kind == ContainerUseKind::Insert && U.Memo)
      MemoRoots.insert(
          llvm::StringRef(U.Key).take_until([](char C) { return C == '['; }));
  Lifetimes Life(F);

  std::vector<CacheFinding> Out;
  for (const ContainerFact &C : F.Containers) {
    // Judge only containers whose every shrinking place was read.
    bool AllMethodsRead = llvm::all_of(C.Methods, [&](const std::string &M) {
      return llvm::is_contained(C.DefinedMethods, M);
    });
    if (!C.Local && !(C.Public ? WholeProgram : AllMethodsRead))
      continue;
    if (C.FiniteKeys)
      continue;

    // Who owns it, and for how long.
    bool Closure = !C.Factory.empty() || !C.KeptIn.empty();
    std::vector<Note> OwnerNotes;
    bool LongLived = C.StaticStorage;
    if (Closure) {
      if (!C.KeptIn.empty())
        OwnerNotes.push_back(
            {C.KeptAt, llvm::formatv("the lambda that owns it is kept in "
                                     "'{0}' here",
                                     shownName(C.KeptIn))});
      for (const ClosureStoreFact *S : Stores.lookup(C.Factory))
        if (OwnerNotes.size() < 3)
          OwnerNotes.push_back(
              {S->Loc, llvm::formatv("the closure '{0}' returns owns it; it "
                                     "is kept in '{1}' here",
                                     C.FactoryName, shownName(S->Into))});
      // A closure used and dropped takes its table with it.
      if (OwnerNotes.empty())
        continue;
      LongLived = true;
    } else if (!C.OwnerRecord.empty()) {
      if (std::optional<LongLife> L = Life.longLived(C.OwnerRecord)) {
        LongLived = true;
        OwnerNotes.push_back({L->Loc, L->Text});
      }
    }
    llvm::StringRef Root =
        llvm::StringRef(C.Key).take_until([](char Ch) { return Ch == '['; });
    bool CacheUse = C.CacheName || MemoRoots.contains(Root) ||
                    (C.HoldsHandles && (C.StaticStorage || C.Keyed) &&
                     !Life.madeAsValue(C.OwnerRecord));
    if (!LongLived && !CacheUse)
      continue;

    // What grows it, and what shrinks it. Emptying an enclosing level
    // empties this one; erasing one entry of it (pruning one owner's
    // entries) does not bound what the others hold.
    std::vector<const ContainerUseFact *> Growth;
    bool Shrinks = false;
    const ContainerUseFact *ResetClear = nullptr;
    auto Shrinking = [&](const ContainerUseFact *U, bool Own) {
      switch (U->Kind) {
      case ContainerUseKind::Escape:
        Shrinks = true;
        break;
      case ContainerUseKind::Erase:
        Shrinks |= Own;
        break;
      case ContainerUseKind::Clear:
        if (!U->OnlyOnReset)
          Shrinks = true;
        else if (!U->InDestructor && !ResetClear)
          ResetClear = U;
        break;
      case ContainerUseKind::Insert:
        break;
      }
    };
    for (const ContainerUseFact *U : Uses.lookup(C.Key)) {
      if (U->Kind == ContainerUseKind::Insert) {
        if (!U->Bounded)
          Growth.push_back(U);
      } else {
        Shrinking(U, /*Own=*/true);
      }
    }
    for (const std::string &Outer : enclosingLevels(C.Key))
      for (const ContainerUseFact *U : Uses.lookup(Outer))
        Shrinking(U, /*Own=*/false);
    if (Growth.empty() || Shrinks)
      continue;

    llvm::sort(Growth,
               [](const ContainerUseFact *A, const ContainerUseFact *B) {
                 return A->Loc < B->Loc;
               });
    std::string Shown = shownLevel(C.Key);
    CacheFinding Finding;
    Finding.Loc = Growth.front()->Loc;
    Finding.Key = Shown;
    Finding.HeldTypes = C.HeldTypes;
    llvm::StringRef Keeps =
        C.HoldsHandles ? ", and it keeps every object it holds alive" : "";
    if (ResetClear)
      Finding.Message = llvm::formatv(
          "'{0}' only grows between resets: entries are inserted here and "
          "only '{1}()' clears it{2}; bound it (tenure::LruCache) or evict on "
          "the insertion path",
          Shown, ResetClear->Function, Keeps);
    else
      Finding.Message = llvm::formatv(
          "'{0}' only grows: entries are inserted here and never erased, "
          "cleared or bounded by a size check{1}; bound it (tenure::LruCache), "
          "add an erase path, or hold weak values",
          Shown, Keeps);
    if (C.Depth == 0)
      Finding.Notes.push_back(
          {C.Loc,
           llvm::formatv("'{0}' declared here as '{1}'", Shown, C.Type)});
    else
      Finding.Notes.push_back(
          {C.Loc, llvm::formatv("'{0}' is the '{1}' inside each element of "
                                "'{2}', declared here",
                                Shown, C.Type,
                                shownLevel(enclosingLevels(C.Key).front()))});
    llvm::append_range(Finding.Notes, OwnerNotes);
    if (ResetClear)
      Finding.Notes.push_back(
          {ResetClear->Loc,
           llvm::formatv("cleared only here, in '{0}'", ResetClear->Function)});
    for (size_t I = 1; I < Growth.size() && I < 4; ++I)
      Finding.Notes.push_back({Growth[I]->Loc, "also inserted here"});
    Out.push_back(std::move(Finding));
  }
  llvm::sort(Out, [](const CacheFinding &A, const CacheFinding &B) {
    return A.Loc < B.Loc;
  });
  return Out;
}

} // namespace tenure::analyzer
