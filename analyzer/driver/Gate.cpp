//===- Gate.cpp - What the run reports, records and exits with ------------===//

#include "analyzer/driver/Gate.h"

#include "analyzer/io/Report.h"
#include "analyzer/model/CheckRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include <tuple>

namespace tenure::analyzer {

namespace {

bool failsGate(const Finding &F, FailOn Level) {
  if (isCompilerError(F))
    return false;
  return Level == FailOn::Warning || F.Confirmed || F.RuntimeOnly;
}

/// Where a finding stands when evidence was given: what the runtime proved
/// first, cycles before caches before copies, the most often seen first.
void orderByEvidence(std::vector<Finding> &Findings) {
  // EvidenceKind lists cycles, then survivors (caches), then copies.
  auto Rank = [](const Finding &F) {
    const CheckDescriptor *Check = findCheck(F.Check);
    return Check ? static_cast<int>(Check->Evidence) : 0;
  };
  auto Key = [&](const Finding &F) {
    bool Seen = F.Confirmed.has_value();
    return std::make_tuple(!Seen, Seen ? Rank(F) : 0,
                           Seen ? ~F.Confirmed->Count : 0);
  };
  llvm::stable_sort(Findings, [&](const Finding &A, const Finding &B) {
    return Key(A) < Key(B);
  });
}

} // namespace

GateDecision decide(std::vector<Finding> Findings, const GateOptions &Options,
                    const Baseline *Accepted, const Evidence *Seen,
                    bool Complete, llvm::StringRef Root) {
  GateDecision D;
  if (Seen)
    orderByEvidence(Findings);
  // The baseline always sees every finding: --only-confirmed narrows the
  // report alone. With --write-baseline too, what it accepted is what the
  // rewritten baseline keeps (fixed findings drop out, new ones are not
  // accepted behind the user's back).
  if (Accepted) {
    BaselineMatch Match = matchBaseline(std::move(Findings), *Accepted, Root);
    D.BaselineCounts.emplace(Match.Baselined.size(), Match.Unmatched);
    Findings = std::move(Match.New);
    if (Options.WritesBaseline)
      D.Recorded = std::move(Match.Baselined);
  } else if (Options.WritesBaseline) {
    D.Recorded = Findings;
  }
  if (Options.OnlyConfirmed)
    llvm::erase_if(Findings, [](const Finding &F) {
      return !F.Confirmed && F.Severity == Level::Warning;
    });
  if (Options.Lines)
    llvm::erase_if(Findings, [&](const Finding &F) {
      return F.Severity == Level::Warning &&
             !Options.Lines->contains(F.Loc.File, F.Loc.Line);
    });
  D.Reported = std::move(Findings);
  // A run that did not see every TU would record a baseline without their
  // findings, and the next run would report them all as new.
  D.WriteBaseline = Options.WritesBaseline && Complete;
  bool Fails = llvm::any_of(D.Reported, [&](const Finding &F) {
    return failsGate(F, Options.FailOnLevel);
  });
  D.ExitCode = !Complete ? ExitError : Fails ? ExitFindings : ExitClean;
  // Recording a baseline accepts what it records: nothing is left to fail.
  // With --baseline the new findings were not recorded, and still fail.
  if (D.WriteBaseline && !Accepted)
    D.ExitCode = ExitClean;
  return D;
}

} // namespace tenure::analyzer
