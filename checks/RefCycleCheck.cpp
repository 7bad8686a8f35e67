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

RefCycleCheck::RefCycleCheck(StringRef Name, tidy::ClangTidyContext *Context)
    : TenureCheck(Name, Context),
      RetainingSinksOption(
          Options.get("RetainingSinks", DefaultRetainingSinks.str())) {
  llvm::SmallVector<StringRef, 8> Parts;
  StringRef(RetainingSinksOption).split(Parts, ';', -1, /*KeepEmpty=*/false);
  for (StringRef Part : Parts)
    RetainingSinks.push_back(Part.trim().str());
}

void RefCycleCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  TenureCheck::storeOptions(Opts);
  Options.store(Opts, "RetainingSinks", RetainingSinksOption);
}

void RefCycleCheck::registerMatchers(MatchFinder *Finder) {
  limitToUserCode(Finder);
  // The whole TU at once: the cycle is a property of the graph, not of any
  // single node.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void RefCycleCheck::check(const MatchFinder::MatchResult &Result) {
  Facts TUFacts = collectFacts(*Result.Context, handles(), RetainingSinks);
  if (FactsRecorder *Recorder = recorder()) {
    Recorder->Facts.push_back(std::move(TUFacts));
    return;
  }
  for (const CycleFinding &Finding : findCycles(TUFacts))
    reportFromFacts(*Result.SourceManager, Finding.Loc, Finding.Message,
                    Finding.Notes, Finding.Fix);
}

} // namespace tenure::checks
