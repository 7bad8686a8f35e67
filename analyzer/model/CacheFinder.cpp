//===- CacheFinder.cpp - Containers that only grow ------------------------===//

#include "analyzer/model/CacheFinder.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

namespace tenure::analyzer {

std::vector<CacheFinding> findUnboundedCaches(const Facts &F,
                                              bool WholeProgram) {
  llvm::StringMap<std::vector<const ContainerUseFact *>> Uses;
  for (const ContainerUseFact &U : F.ContainerUses)
    Uses[U.Key].push_back(&U);
  std::vector<CacheFinding> Out;
  for (const ContainerFact &C : F.Containers) {
    // Judge only containers whose every shrinking place was read.
    bool AllMethodsRead = llvm::all_of(C.Methods, [&](const std::string &M) {
      return llvm::is_contained(C.DefinedMethods, M);
    });
    if (!C.Local && !(C.Public ? WholeProgram : AllMethodsRead))
      continue;
    // One bounded insertion does not bound the others.
    std::vector<const ContainerUseFact *> Growth;
    bool Shrinks = false;
    for (const ContainerUseFact *U : Uses.lookup(C.Key)) {
      if (!U->Grows)
        Shrinks = true;
      else if (!U->Bounded)
        Growth.push_back(U);
    }
    if (Growth.empty() || Shrinks)
      continue;
    llvm::sort(Growth, [](const ContainerUseFact *A, const ContainerUseFact *B) {
      return A->Loc < B->Loc;
    });
    std::string Shown = shownName(C.Key).str();
    CacheFinding Finding;
    Finding.Loc = Growth.front()->Loc;
    Finding.Key = Shown;
    Finding.HeldTypes = C.HeldTypes;
    Finding.Message = llvm::formatv(
        "'{0}' only grows: entries are inserted here and never erased, "
        "cleared or bounded by a size check{1}; bound it (tenure::LruCache), "
        "add an erase path, or hold weak values",
        Shown, C.HoldsHandles ? ", and it keeps every object it holds alive"
                              : "");
    Finding.Notes.push_back(
        {C.Loc, llvm::formatv("'{0}' declared here as '{1}'", Shown, C.Type)});
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
