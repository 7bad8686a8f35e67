//===- RefCycleCheck.cpp - tenure-ref-cycle -------------------------------===//

#include "checks/RefCycleCheck.h"

#include "analyzer/ast/FactCollector.h"
#include "analyzer/model/CycleFinder.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace tenure::analyzer;

namespace tenure::checks {

void RefCycleCheck::registerMatchers(MatchFinder *Finder) {
  // The whole TU at once: the cycle is a property of the graph, not of any
  // single node.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void RefCycleCheck::check(const MatchFinder::MatchResult &Result) {
  Facts TUFacts = collectFacts(*Result.Context, handles());
  if (FactsRecorder *Recorder = recorder()) {
    Recorder->Facts.push_back(std::move(TUFacts));
    return;
  }
  for (const CycleFinding &Finding : findCycles(TUFacts))
    reportFromFacts(*Result.SourceManager, Finding.Loc, Finding.Message,
                    Finding.Notes, Finding.Fix);
}

} // namespace tenure::checks
