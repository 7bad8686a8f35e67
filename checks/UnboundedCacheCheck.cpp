//===- UnboundedCacheCheck.cpp - tenure-unbounded-cache -------------------===//

#include "checks/UnboundedCacheCheck.h"

#include "analyzer/ast/ContainerCollector.h"
#include "analyzer/model/CacheFinder.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace tenure::analyzer;

namespace tenure::checks {

UnboundedCacheCheck::UnboundedCacheCheck(StringRef Name,
                                         tidy::ClangTidyContext *Context)
    : TenureCheck(Name, Context),
      CacheNamePattern(
          Options.get("CacheNamePattern", DefaultCacheNamePattern.str())) {
  std::string Error;
  if (!llvm::Regex(CacheNamePattern).isValid(Error))
    configurationDiag("invalid CacheNamePattern '%0': %1")
        << CacheNamePattern << Error;
}

void UnboundedCacheCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  TenureCheck::storeOptions(Opts);
  Options.store(Opts, "CacheNamePattern", CacheNamePattern);
}

void UnboundedCacheCheck::registerMatchers(MatchFinder *Finder) {
  limitToUserCode(Finder);
  // Growth and shrinking are facts about the whole program, or at least
  // the whole TU: look at it at once.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void UnboundedCacheCheck::check(const MatchFinder::MatchResult &Result) {
  llvm::Regex CacheName(CacheNamePattern);
  std::string Error;
  if (!CacheName.isValid(Error))
    return;
  Facts TUFacts = collectContainerFacts(*Result.Context, handles(), CacheName);
  if (FactsRecorder *Recorder = recorder()) {
    Recorder->Facts.push_back(std::move(TUFacts));
    return;
  }
  for (const CacheFinding &Finding :
       findUnboundedCaches(TUFacts, /*WholeProgram=*/false))
    reportFromFacts(*Result.SourceManager, Finding.Loc, Finding.Message,
                    Finding.Notes);
}

} // namespace tenure::checks
