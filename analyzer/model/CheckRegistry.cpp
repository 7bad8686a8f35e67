//===- CheckRegistry.cpp - The four tenure checks -------------------------===//

#include "analyzer/model/CheckRegistry.h"

#include "analyzer/model/CacheFinder.h"
#include "analyzer/model/CycleFinder.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace tenure::analyzer {
namespace {

constexpr llvm::StringLiteral RefCycleName = "tenure-ref-cycle";
constexpr llvm::StringLiteral UnboundedCacheName = "tenure-unbounded-cache";

// A merged finding is named by its back edge or its container: what a
// baseline matches on instead of a line.
std::vector<Finding> cyclesInMergedFacts(const Facts &Merged) {
  std::vector<Finding> Out;
  for (CycleFinding &C : findCycles(Merged)) {
    Finding F;
    F.Check = RefCycleName.str();
    F.Loc = C.Loc;
    F.Message = std::move(C.Message);
    F.Notes = std::move(C.Notes);
    F.Fix = std::move(C.Fix);
    F.Key = C.BackEdge + " in " + llvm::join(C.Types, " -> ");
    F.Context = std::move(C.BackEdge);
    F.Types = std::move(C.Types);
    F.Fields = std::move(C.Fields);
    F.UntracedEdge = C.UntracedEdge;
    Out.push_back(std::move(F));
  }
  return Out;
}

std::vector<Finding> cachesInMergedFacts(const Facts &Merged) {
  std::vector<Finding> Out;
  for (CacheFinding &C : findUnboundedCaches(Merged, /*WholeProgram=*/true)) {
    Finding F;
    F.Check = UnboundedCacheName.str();
    F.Loc = C.Loc;
    F.Message = std::move(C.Message);
    F.Notes = std::move(C.Notes);
    F.Context = C.Key;
    F.Key = std::move(C.Key);
    F.Types = std::move(C.HeldTypes);
    Out.push_back(std::move(F));
  }
  return Out;
}

const CheckDescriptor Checks[] = {
    {RefCycleName, "Strong-handle reference cycle closed by the code",
     "Objects on a cycle of strong handles keep each other alive: reference "
     "counting never frees them. The finding is reported where the code "
     "closes the cycle (a back-pointer assignment, a child given its owner, a "
     "lambda holding a strong self-handle stored in a member), with a note "
     "at every edge. Make one edge weak (tenure::Weak, std::weak_ptr), "
     "usually the one pointing back to the owner.",
     cyclesInMergedFacts, EvidenceKind::LeakedCycles},
    {UnboundedCacheName, "Long-lived container that only grows",
     "A member, static or global container that holds handles or is used "
     "as a cache, that code inserts into and never erases from, clears or "
     "bounds by a size check: it grows for the life of the program and keeps "
     "what it holds alive. Bound it (tenure::LruCache), add an erase path, "
     "or hold weak values.",
     cachesInMergedFacts, EvidenceKind::Survivors},
    {"tenure-needless-copy",
     "Handle copy that costs a count update for nothing",
     "A strong handle copied where a reference or a move would do: each copy "
     "increments and later decrements the count (atomically for "
     "std::shared_ptr). Take it by const reference, iterate by const auto&, "
     "or move it into its last use.",
     nullptr, EvidenceKind::Copies},
    {"tenure-untraced-field",
     "trace() misses a strong field or visits what it does not own",
     "A collectable class whose trace() does not visit a field holding "
     "tenure::Ref handles leaks every cycle through that field; a trace() "
     "that visits a handle the object does not own (another object's field, "
     "a global, a local) lets the collector free objects still in use. Add "
     "or remove the t(field) call.",
     nullptr, EvidenceKind::None},
};

} // namespace

llvm::ArrayRef<CheckDescriptor> allChecks() { return Checks; }

const CheckDescriptor *findCheck(llvm::StringRef Name) {
  const CheckDescriptor *Found = llvm::find_if(
      Checks, [&](const CheckDescriptor &D) { return D.Name == Name; });
  return Found == std::end(Checks) ? nullptr : Found;
}

const CheckDescriptor &refCycleCheck() { return Checks[0]; }
const CheckDescriptor &unboundedCacheCheck() { return Checks[1]; }
const CheckDescriptor &needlessCopyCheck() { return Checks[2]; }
const CheckDescriptor &untracedFieldCheck() { return Checks[3]; }

} // namespace tenure::analyzer
