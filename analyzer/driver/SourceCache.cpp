//===- SourceCache.cpp - Source text, read once per file ------------------===//

#include "analyzer/driver/SourceCache.h"

#include "llvm/ADT/SmallVector.h"

namespace tenure::analyzer {

llvm::StringRef SourceCache::text(llvm::StringRef File) {
  auto [It, Inserted] = Buffers.try_emplace(File);
  if (Inserted) {
    auto Buffer = llvm::MemoryBuffer::getFile(File);
    if (Buffer)
      It->second = std::move(*Buffer);
  }
  return It->second ? It->second->getBuffer() : llvm::StringRef();
}

Location SourceCache::location(llvm::StringRef File, unsigned Offset) {
  llvm::StringRef Text = text(File);
  Location L{File.str(), 1, 1};
  if (Offset > Text.size())
    return L;
  llvm::StringRef Before = Text.take_front(Offset);
  L.Line = 1 + Before.count('\n');
  size_t LineStart = Before.rfind('\n');
  L.Column =
      Offset - (LineStart == llvm::StringRef::npos ? 0 : LineStart + 1) + 1;
  return L;
}

unsigned SourceCache::offset(const Location &L) {
  llvm::StringRef Text = text(L.File);
  size_t Start = 0;
  for (unsigned Line = 1; Line < L.Line && Start != llvm::StringRef::npos;
       ++Line) {
    Start = Text.find('\n', Start);
    if (Start != llvm::StringRef::npos)
      ++Start;
  }
  if (Start == llvm::StringRef::npos)
    return Text.size();
  return std::min<size_t>(Start + (L.Column ? L.Column - 1 : 0), Text.size());
}

std::string SourceCache::normalisedLine(const Location &L) {
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  text(L.File).split(Lines, '\n');
  if (L.Line == 0 || L.Line > Lines.size())
    return "";
  llvm::SmallVector<llvm::StringRef, 8> Words;
  Lines[L.Line - 1].split(Words, ' ', -1, /*KeepEmpty=*/false);
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

} // namespace tenure::analyzer
