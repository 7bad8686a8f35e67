//===- RefCycleCheck.h - tenure-ref-cycle -----------------------*- C++ -*-===//

#ifndef TENURE_CHECKS_REFCYCLECHECK_H
#define TENURE_CHECKS_REFCYCLECHECK_H

#include "checks/TenureCheck.h"
#include <string>
#include <vector>

namespace tenure::checks {

/// Finds strong-handle reference cycles that the code closes: a back-pointer
/// assignment, a child given its owner, a lambda holding a strong self-handle
/// stored in a member callback. Reports at the closing statement with a note
/// at every edge, and offers to make the back edge weak.
class RefCycleCheck : public TenureCheck {
public:
  RefCycleCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string RetainingSinksOption;
  std::vector<std::string> RetainingSinks;
};

} // namespace tenure::checks

#endif
