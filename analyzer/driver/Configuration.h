//===- Configuration.h - The clang-tidy configuration of a run -*- C++ -*-===//

#ifndef TENURE_ANALYZER_DRIVER_CONFIGURATION_H
#define TENURE_ANALYZER_DRIVER_CONFIGURATION_H

#include "analyzer/driver/Options.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/Support/Error.h"
#include <memory>

namespace tenure::analyzer {

/// The options each file gets: tenure's defaults (-*,tenure-*, every
/// header), then .clang-tidy files or --config/--config-file, then the
/// command line (--checks, --header-filter).
llvm::Expected<std::unique_ptr<clang::tidy::ClangTidyOptionsProvider>>
makeOptionsProvider(const Options &O);

/// FileOptionsProvider only logs a .clang-tidy it cannot parse and goes on
/// without it; a CI gate must not silently run another configuration.
llvm::Error checkConfigFiles(const Options &O,
                             llvm::ArrayRef<std::string> Files);

/// A literal check name that no registered check has is a typo that would
/// silently turn the gate off.
llvm::Error checkCheckNames(llvm::StringRef Globs);

bool checkEnabled(clang::tidy::ClangTidyOptionsProvider &Provider,
                  llvm::StringRef File, llvm::StringRef Check);

/// --verify-config: every check name and check option of the configuration
/// each file (or the current directory) gets, said on stderr; exit 0 or 2.
int verifyConfig(const Options &O, llvm::ArrayRef<std::string> Files);

/// --dump-config: the configuration \p File gets, with every option's value.
int dumpConfig(const Options &O, llvm::StringRef File);

} // namespace tenure::analyzer

#endif
