//===- Baseline.h - Findings a project has accepted -------------*- C++ -*-===//
//
// A baseline lets a project switch the gate on while it still has findings:
// --write-baseline records them, and later runs with --baseline report only
// findings that are not recorded. Entries carry no line numbers (check, file,
// enclosing declaration, normalised snippet), so edits elsewhere in a file do
// not turn old findings into new ones.
//
// The file, versioned and sorted so that it reviews well in a diff:
//
//   {
//     "tenure_baseline": 1,
//     "findings": [
//       {"check": "tenure-ref-cycle", "context": "Item::owner",
//        "file": "src/doc.cpp", "key": "Item::owner in Owner -> Item"}
//     ]
//   }
//
// The version changes whenever the key scheme does: entries written under
// another scheme would silently stop matching.
//
// LLVM Support only (no Clang), so the fuzz target links it alone.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_BASELINE_H
#define TENURE_ANALYZER_BASELINE_H

#include "analyzer/io/Report.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <compare>
#include <cstddef>
#include <string>
#include <vector>

namespace tenure::analyzer {

inline constexpr int BaselineVersion = 1;

/// A finding as the baseline records it.
struct BaselineEntry {
  std::string Check;
  std::string File;    ///< Relative to the directory tenure-analyze ran in.
  std::string Context; ///< Finding::Context.
  std::string Key;     ///< Finding::Key.
  friend auto operator<=>(const BaselineEntry &,
                          const BaselineEntry &) = default;
};

/// Entries sorted; the same finding twice is recorded twice.
struct Baseline {
  std::vector<BaselineEntry> Entries;
};

/// \p Root: the directory the run started in (files are recorded relative
/// to it when they are under it).
Baseline makeBaseline(llvm::ArrayRef<Finding> Findings, llvm::StringRef Root);

/// Reads a baseline file's text. Errors are one line and start with
/// \p Origin: not JSON, not a baseline, a newer version, a bad entry.
llvm::Expected<Baseline> parseBaseline(llvm::StringRef Text,
                                       llvm::StringRef Origin);

void writeBaseline(llvm::raw_ostream &OS, const Baseline &B);

/// A baseline is stale when it names files and none of them exists under
/// \p Root: written in another directory or for another tree, it would
/// silently match nothing.
llvm::Error checkNotStale(const Baseline &B, llvm::StringRef Root,
                          llvm::StringRef Origin);

struct BaselineMatch {
  std::vector<Finding> New;       ///< Not in the baseline: reported.
  std::vector<Finding> Baselined; ///< Matched an entry: not reported.
  size_t Unmatched = 0; ///< Entries no finding matched (fixed or changed).
};

/// Splits \p Findings by \p B as multisets: a baseline entry accepts one
/// finding, so two identical findings against one entry leave one new.
BaselineMatch matchBaseline(std::vector<Finding> Findings, const Baseline &B,
                            llvm::StringRef Root);

} // namespace tenure::analyzer

#endif
