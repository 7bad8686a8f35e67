//===- NoLint.h - NOLINT comments for findings made after the merge -*- C++
//-*-===//
//
// Findings that come from merged facts are not emitted through clang-tidy's
// diagnostic engine, so its NOLINT handling never sees them. This reads the
// same comments from the source text: NOLINT and NOLINTNEXTLINE, with or
// without a check list, and NOLINTBEGIN/NOLINTEND blocks. The comments of a
// file are found in one pass over it, and the blocks open at each line once
// per check: a query looks at the comments, never at the text again.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_NOLINT_H
#define TENURE_ANALYZER_DRIVER_NOLINT_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <vector>

namespace tenure::analyzer {

/// The NOLINT comments of one source text (which must outlive this).
class NoLintComments {
public:
  explicit NoLintComments(llvm::StringRef Source);

  /// True when a finding of \p Check on 1-based \p Line is suppressed.
  bool suppresses(unsigned Line, llvm::StringRef Check);

private:
  enum class Directive { NoLint, NextLine, Begin, End };
  struct Comment {
    unsigned Line;
    Directive Kind;
    /// The check list between the parentheses; absent: every check.
    std::optional<llvm::StringRef> Checks;
  };
  /// A NOLINTBEGIN/END of the check that changes the open blocks: the count
  /// open from its line on.
  struct BlockChange {
    unsigned Line;
    unsigned Open;
  };

  /// The first comment on \p Line, if any.
  const Comment *at(unsigned Line) const;
  bool covers(const Comment &C, llvm::StringRef Check) const;
  const std::vector<BlockChange> &blocks(llvm::StringRef Check);

  unsigned Lines = 0;
  std::vector<Comment> Comments; ///< One per line at most, by line.
  llvm::StringMap<std::vector<BlockChange>> Blocks;
};

} // namespace tenure::analyzer

#endif
