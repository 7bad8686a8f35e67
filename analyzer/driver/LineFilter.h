//===- LineFilter.h - Report only findings on chosen lines ------*- C++ -*-===//
//
// A pull-request gate asks about the lines the change touched, not about the
// whole program. Two ways to say which lines: clang-tidy's --line-filter
// (JSON: [{"name": "file.cpp", "lines": [[1, 3], [5, 7]]}, ...]; a file with
// no "lines" counts whole) and --changed-since=<git revision> (the lines
// `git diff` shows as added or changed since it). A finding is kept when its
// location is on such a line; a whole-program finding (a cycle, a cache) is
// reported where its closing statement is, so it is kept when that
// statement changed.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_LINEFILTER_H
#define TENURE_ANALYZER_DRIVER_LINEFILTER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>
#include <utility>
#include <vector>

namespace tenure::analyzer {

class LineFilter {
public:
  /// Parses clang-tidy's --line-filter JSON; \p Origin names it in errors.
  static llvm::Expected<LineFilter> fromJSON(llvm::StringRef Text,
                                             llvm::StringRef Origin);

  /// Parses the output of `git diff --unified=0 --no-color --no-prefix`,
  /// whose paths are relative to \p Root (the repository's top folder).
  static llvm::Expected<LineFilter> fromUnifiedDiff(llvm::StringRef Diff,
                                                    llvm::StringRef Root);

  /// The lines changed since \p Revision in the git work tree that holds
  /// \p Directory (committed, staged and unstaged changes).
  static llvm::Expected<LineFilter> changedSince(llvm::StringRef Revision,
                                                 llvm::StringRef Directory);

  /// Whether line \p Line of \p File (absolute, or relative to the
  /// directory tenure-analyze runs in) is selected.
  bool contains(llvm::StringRef File, unsigned Line) const;

private:
  struct FileLines {
    std::string Name; ///< Absolute, or a suffix to match (--line-filter).
    bool Whole = false;
    std::vector<std::pair<unsigned, unsigned>> Ranges; ///< Inclusive.
  };
  std::vector<FileLines> Files;
};

} // namespace tenure::analyzer

#endif
