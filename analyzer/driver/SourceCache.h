//===- SourceCache.h - Source text, read once per file ---------*- C++ -*-===//
//
// Findings arrive as byte offsets (clang-tidy) or lines (the merge step) and
// leave as file:line:col with a line-independent key. A TU can have tens of
// thousands of them in one file, so each file is read and indexed by line
// once (llvm::SourceMgr's line table) and every lookup after that costs a
// binary search, not a scan of the text before it.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_SOURCECACHE_H
#define TENURE_ANALYZER_DRIVER_SOURCECACHE_H

#include "analyzer/driver/NoLint.h"
#include "analyzer/model/Facts.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/SourceMgr.h"
#include <memory>
#include <string>

namespace tenure::analyzer {

class SourceCache {
public:
  /// The file's text; empty when it cannot be read.
  llvm::StringRef text(llvm::StringRef File);

  /// file:line:col of byte \p Offset.
  Location location(llvm::StringRef File, unsigned Offset);

  /// The byte offset of \p L (for formats that locate by offset).
  unsigned offset(const Location &L);

  /// The line's text with runs of blanks squeezed: a key that survives
  /// edits elsewhere in the file.
  std::string normalisedLine(const Location &L);

  /// Whether a NOLINT comment in \p L's file suppresses \p Check there.
  bool suppressedByNoLint(const Location &L, llvm::StringRef Check);

private:
  /// The file's buffer in Sources, 0 when it cannot be read.
  unsigned buffer(llvm::StringRef File);
  /// The start of 1-based \p Line of buffer \p ID, or null past the end.
  const char *lineStart(unsigned ID, unsigned Line);

  llvm::SourceMgr Sources;
  llvm::StringMap<unsigned> Buffers;
  llvm::StringMap<std::unique_ptr<NoLintComments>> NoLints;
};

} // namespace tenure::analyzer

#endif
