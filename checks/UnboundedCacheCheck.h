//===- UnboundedCacheCheck.h - tenure-unbounded-cache -----------*- C++ -*-===//

#ifndef TENURE_CHECKS_UNBOUNDEDCACHECHECK_H
#define TENURE_CHECKS_UNBOUNDEDCACHECHECK_H

#include "checks/TenureCheck.h"

namespace tenure::checks {

/// Finds long-lived containers (members, statics, globals, function-local
/// statics) that hold strong handles or are named as caches, that code
/// inserts into and never shrinks or bounds.
class UnboundedCacheCheck : public TenureCheck {
public:
  UnboundedCacheCheck(llvm::StringRef Name,
                      clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string CacheNamePattern;
};

} // namespace tenure::checks

#endif
