//===- Fixes.h - Applying and exporting fix-its ----------------*- C++ -*-===//

#ifndef TENURE_ANALYZER_DRIVER_FIXES_H
#define TENURE_ANALYZER_DRIVER_FIXES_H

#include "analyzer/model/Facts.h"
#include "analyzer/model/Finding.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace tenure::analyzer {

struct AppliedFixes {
  size_t Findings = 0;            ///< Findings whose fix was applied.
  std::vector<std::string> Files; ///< Files rewritten, sorted.
};

/// Applies the findings' fix-its, each finding's whole or not at all (a
/// signature changed in the header but not in the .cpp would not compile):
/// one that conflicts with a fix already taken is left out and said so on
/// stderr. Writes only files in \p ReadByAnalysis (path -> contentHash of
/// the text the analysis read; contentHash() of model/Facts.h) whose content is
/// still that text; each file is rewritten whole or not at all. The error lists
/// the files not written.
llvm::Error applyFixes(const std::vector<Finding> &Findings,
                       const llvm::StringMap<std::string> &ReadByAnalysis,
                       AppliedFixes &Applied);

/// The fix-its as the YAML clang-tidy's --export-fixes writes and
/// clang-apply-replacements reads. \p Offset gives a finding's offset in its
/// file (the YAML locates diagnostics by offset).
void writeExportedFixes(llvm::raw_ostream &OS,
                        const std::vector<Finding> &Findings,
                        llvm::function_ref<unsigned(const Location &)> Offset);

} // namespace tenure::analyzer

#endif
