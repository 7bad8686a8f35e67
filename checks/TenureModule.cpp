//===- TenureModule.cpp - The tenure checks as a clang-tidy module --------===//

#include "analyzer/model/CheckRegistry.h"
#include "checks/NeedlessCopyCheck.h"
#include "checks/RefCycleCheck.h"
#include "checks/UnboundedCacheCheck.h"
#include "checks/UntracedFieldCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace tenure::checks {

class TenureModule : public clang::tidy::ClangTidyModule {
public:
  void
  addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    // Each class under the name its descriptor gives (the check registry).
    Factories.registerCheck<RefCycleCheck>(analyzer::refCycleCheck().Name);
    Factories.registerCheck<NeedlessCopyCheck>(
        analyzer::needlessCopyCheck().Name);
    Factories.registerCheck<UnboundedCacheCheck>(
        analyzer::unboundedCacheCheck().Name);
    Factories.registerCheck<UntracedFieldCheck>(
        analyzer::untracedFieldCheck().Name);
  }
};

} // namespace tenure::checks

// Registered when the plugin is loaded, or when tenure-analyze starts.
static clang::tidy::ClangTidyModuleRegistry::Add<tenure::checks::TenureModule>
    X("tenure-module", "Checks for retention bugs in reference-counted C++.");
