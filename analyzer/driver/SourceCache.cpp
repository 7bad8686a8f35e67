//===- SourceCache.cpp - Source text, read once per file ------------------===//

#include "analyzer/driver/SourceCache.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"

#define DEBUG_TYPE "tenure-analyze"

namespace tenure::analyzer {

// What --debug-counters shows: the text each file costs should not grow with
// the number of findings in it.
ALWAYS_ENABLED_STATISTIC(SourceBytesScanned,
                         "bytes of source text scanned to place findings");
ALWAYS_ENABLED_STATISTIC(SourceLookups,
                         "findings and notes placed in their source text");

unsigned SourceCache::buffer(llvm::StringRef File) {
  auto [It, Inserted] = Buffers.try_emplace(File, 0);
  if (Inserted) {
    auto Buffer = llvm::MemoryBuffer::getFile(File);
    if (Buffer) {
      // SourceMgr indexes the lines on the first lookup, in one pass.
      SourceBytesScanned += (*Buffer)->getBufferSize();
      It->second =
          Sources.AddNewSourceBuffer(std::move(*Buffer), llvm::SMLoc());
    }
  }
  return It->second;
}

llvm::StringRef SourceCache::text(llvm::StringRef File) {
  unsigned ID = buffer(File);
  return ID ? Sources.getMemoryBuffer(ID)->getBuffer() : llvm::StringRef();
}

const char *SourceCache::lineStart(unsigned ID, unsigned Line) {
  return Sources.FindLocForLineAndColumn(ID, Line, 0).getPointer();
}

Location SourceCache::location(llvm::StringRef File, unsigned Offset) {
  ++SourceLookups;
  Location L{File.str(), 1, 1};
  unsigned ID = buffer(File);
  if (!ID)
    return L;
  const char *Start = Sources.getMemoryBuffer(ID)->getBufferStart();
  if (Offset > Sources.getMemoryBuffer(ID)->getBufferSize())
    return L;
  L.Line =
      Sources.FindLineNumber(llvm::SMLoc::getFromPointer(Start + Offset), ID);
  L.Column = Start + Offset - lineStart(ID, L.Line) + 1;
  return L;
}

unsigned SourceCache::offset(const Location &L) {
  ++SourceLookups;
  unsigned ID = buffer(L.File);
  if (!ID)
    return 0;
  const llvm::MemoryBuffer *Text = Sources.getMemoryBuffer(ID);
  const char *Start = lineStart(ID, L.Line);
  if (!Start)
    return Text->getBufferSize();
  size_t Line = Start - Text->getBufferStart();
  return std::min<size_t>(Line + (L.Column ? L.Column - 1 : 0),
                          Text->getBufferSize());
}

std::string SourceCache::normalisedLine(const Location &L) {
  ++SourceLookups;
  unsigned ID = buffer(L.File);
  const char *Start = ID && L.Line ? lineStart(ID, L.Line) : nullptr;
  if (!Start)
    return "";
  const char *End = lineStart(ID, L.Line + 1);
  llvm::StringRef Line(
      Start,
      (End ? End - 1 : Sources.getMemoryBuffer(ID)->getBufferEnd()) - Start);
  SourceBytesScanned += Line.size();
  llvm::SmallVector<llvm::StringRef, 8> Words;
  Line.split(Words, ' ', -1, /*KeepEmpty=*/false);
  std::string Out;
  for (llvm::StringRef W : Words) {
    W = W.trim();
    if (W.empty())
      continue;
    if (!Out.empty())
      Out += ' ';
    Out += W.str();
  }
  return Out;
}

bool SourceCache::suppressedByNoLint(const Location &L, llvm::StringRef Check) {
  ++SourceLookups;
  std::unique_ptr<NoLintComments> &Comments = NoLints[L.File];
  if (!Comments) {
    llvm::StringRef Text = text(L.File);
    SourceBytesScanned += Text.size();
    Comments = std::make_unique<NoLintComments>(Text);
  }
  return Comments->suppresses(L.Line, Check);
}

} // namespace tenure::analyzer
