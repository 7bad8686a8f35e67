//===- Compilations.h - Which files, with which commands -------*- C++ -*-===//

#ifndef TENURE_ANALYZER_DRIVER_COMPILATIONS_H
#define TENURE_ANALYZER_DRIVER_COMPILATIONS_H

#include "analyzer/driver/Options.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <string>
#include <vector>

namespace tenure::analyzer {

/// The compile commands of the run: with -p the database (files resolved
/// against each entry's directory, canonical paths, flags after `--`
/// appended); without it the flags after `--` alone, or a database found
/// above the first source. --extra-arg and --extra-arg-before apply to all.
llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>>
loadCompilations(const Options &O);

struct SourceList {
  std::vector<std::string> Files; ///< Canonical, each once, in order.
  /// Database entries whose file does not exist (said on stderr already).
  std::vector<std::string> Stale;
};

/// The files to analyse: those named on the command line (each must exist),
/// else every file of the database (a missing one is stale: one error line,
/// the others are still analysed).
llvm::Expected<SourceList>
sourcesToAnalyse(const Options &O,
                 const clang::tooling::CompilationDatabase &Compilations);

} // namespace tenure::analyzer

#endif
