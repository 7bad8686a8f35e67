//===- RefCycleCheck.cpp - tenure-ref-cycle -------------------------------===//

#include "checks/RefCycleCheck.h"

#include "analyzer/CycleFinder.h"
#include "analyzer/FactCollector.h"
#include "analyzer/FactsSink.h"
#include "analyzer/HandleTypes.h"
#include "checks/SourceLocations.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace tenure::analyzer;

namespace tenure::checks {

RefCycleCheck::RefCycleCheck(StringRef Name, tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      StrongHandles(Options.getLocalOrGlobal("StrongHandles",
                                             DefaultStrongHandles.str())),
      WeakHandles(
          Options.getLocalOrGlobal("WeakHandles", DefaultWeakHandles.str())) {}

void RefCycleCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "StrongHandles", StrongHandles);
  Options.store(Opts, "WeakHandles", WeakHandles);
}

void RefCycleCheck::registerMatchers(MatchFinder *Finder) {
  // The whole TU at once: the cycle is a property of the graph, not of any
  // single node.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void RefCycleCheck::check(const MatchFinder::MatchResult &Result) {
  HandleTypes Handles(StrongHandles, WeakHandles);
  Facts TUFacts = collectFacts(*Result.Context, Handles);
  if (const FactsSink *Sink = factsSink()) {
    (*Sink)(std::move(TUFacts));
    return;
  }
  SourceManager &SM = *Result.SourceManager;
  for (const CycleFinding &Finding : findCycles(TUFacts)) {
    SourceLocation Loc = toSourceLocation(SM, Finding.Loc);
    if (Loc.isInvalid())
      continue;
    {
      DiagnosticBuilder Diag = diag(Loc, "%0") << Finding.Message;
      for (const Replacement &R : Finding.Fix)
        if (std::optional<FixItHint> Hint = toFixIt(SM, R))
          Diag << *Hint;
    }
    for (const Note &N : Finding.Notes) {
      SourceLocation NoteLoc = toSourceLocation(SM, N.Loc);
      if (NoteLoc.isValid())
        diag(NoteLoc, "%0", DiagnosticIDs::Note) << N.Message;
    }
  }
}

} // namespace tenure::checks
