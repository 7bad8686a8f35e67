//===- UntracedFieldCheck.h - tenure-untraced-field -------------*- C++ -*-===//

#ifndef TENURE_CHECKS_UNTRACEDFIELDCHECK_H
#define TENURE_CHECKS_UNTRACEDFIELDCHECK_H

#include "checks/TenureCheck.h"

namespace tenure::checks {

/// Finds collectable classes whose trace() misses a strong field (the
/// collector then cannot free cycles through it: a leak) or visits a handle
/// the object does not own (the collector could free live objects).
class UntracedFieldCheck : public TenureCheck {
public:
  UntracedFieldCheck(llvm::StringRef Name,
                     clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string CollectableBase;
};

} // namespace tenure::checks

#endif
