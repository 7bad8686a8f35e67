//===- NoLint.h - NOLINT comments for findings made after the merge -*- C++
//-*-===//
//
// Findings that come from merged facts are not emitted through clang-tidy's
// diagnostic engine, so its NOLINT handling never sees them. This reads the
// same comments from the source text: NOLINT and NOLINTNEXTLINE, with or
// without a check list, and NOLINTBEGIN/NOLINTEND blocks.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_NOLINT_H
#define TENURE_ANALYZER_DRIVER_NOLINT_H

#include "llvm/ADT/StringRef.h"

namespace tenure::analyzer {

/// True when a finding of \p Check on 1-based \p Line of \p Source is
/// suppressed by a NOLINT comment.
bool isSuppressedByNoLint(llvm::StringRef Source, unsigned Line,
                          llvm::StringRef Check);

} // namespace tenure::analyzer

#endif
