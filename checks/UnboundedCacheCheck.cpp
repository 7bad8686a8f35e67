//===- UnboundedCacheCheck.cpp - tenure-unbounded-cache -------------------===//

#include "checks/UnboundedCacheCheck.h"

#include "analyzer/ast/ContainerCollector.h"
#include "analyzer/model/CacheFinder.h"
#include "analyzer/FactsSink.h"
#include "analyzer/HandleTypes.h"
#include "checks/SourceLocations.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace tenure::analyzer;

namespace tenure::checks {

UnboundedCacheCheck::UnboundedCacheCheck(StringRef Name,
                                         tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      StrongHandles(Options.getLocalOrGlobal("StrongHandles",
                                             DefaultStrongHandles.str())),
      WeakHandles(
          Options.getLocalOrGlobal("WeakHandles", DefaultWeakHandles.str())),
      CacheNamePattern(
          Options.get("CacheNamePattern", DefaultCacheNamePattern.str())) {
  std::string Error;
  if (!llvm::Regex(CacheNamePattern).isValid(Error))
    configurationDiag("invalid CacheNamePattern '%0': %1")
        << CacheNamePattern << Error;
}

void UnboundedCacheCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "StrongHandles", StrongHandles);
  Options.store(Opts, "WeakHandles", WeakHandles);
  Options.store(Opts, "CacheNamePattern", CacheNamePattern);
}

void UnboundedCacheCheck::registerMatchers(MatchFinder *Finder) {
  // Growth and shrinking are facts about the whole program, or at least
  // the whole TU: look at it at once.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void UnboundedCacheCheck::check(const MatchFinder::MatchResult &Result) {
  llvm::Regex CacheName(CacheNamePattern);
  std::string Error;
  if (!CacheName.isValid(Error))
    return;
  HandleTypes Handles(StrongHandles, WeakHandles);
  Facts TUFacts = collectContainerFacts(*Result.Context, Handles, CacheName);
  if (const FactsSink *Sink = factsSink()) {
    (*Sink)(std::move(TUFacts));
    return;
  }
  SourceManager &SM = *Result.SourceManager;
  for (const CacheFinding &Finding :
       findUnboundedCaches(TUFacts, /*WholeProgram=*/false)) {
    SourceLocation Loc = toSourceLocation(SM, Finding.Loc);
    if (Loc.isInvalid())
      continue;
    diag(Loc, "%0") << Finding.Message;
    for (const Note &N : Finding.Notes)
      if (SourceLocation NoteLoc = toSourceLocation(SM, N.Loc); NoteLoc.isValid())
        diag(NoteLoc, "%0", DiagnosticIDs::Note) << N.Message;
  }
}

} // namespace tenure::checks
