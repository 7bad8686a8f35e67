//===- SourceCache.h - Source text, read once per file ---------*- C++ -*-===//

#ifndef TENURE_ANALYZER_DRIVER_SOURCECACHE_H
#define TENURE_ANALYZER_DRIVER_SOURCECACHE_H

#include "analyzer/model/Facts.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
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

private:
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> Buffers;
};

} // namespace tenure::analyzer

#endif
