//===- TenureModule.cpp - The tenure checks as a clang-tidy module --------===//

#include "checks/NeedlessCopyCheck.h"
#include "checks/RefCycleCheck.h"
#include "checks/UnboundedCacheCheck.h"
#include "checks/UntracedFieldCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace tenure::checks {

class TenureModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<RefCycleCheck>("tenure-ref-cycle");
    Factories.registerCheck<NeedlessCopyCheck>("tenure-needless-copy");
    Factories.registerCheck<UnboundedCacheCheck>("tenure-unbounded-cache");
    Factories.registerCheck<UntracedFieldCheck>("tenure-untraced-field");
  }
};

} // namespace tenure::checks

// Registered when the plugin is loaded, or when tenure-analyze starts.
static clang::tidy::ClangTidyModuleRegistry::Add<tenure::checks::TenureModule>
    X("tenure-module", "Checks for retention bugs in reference-counted C++.");
