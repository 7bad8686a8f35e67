//===- SourceLocations.cpp ------------------------------------------------===//

#include "checks/SourceLocations.h"

#include "analyzer/ast/SourceFacts.h"
#include "clang/Basic/FileManager.h"

using namespace clang;

namespace tenure::checks {

SourceLocation toSourceLocation(SourceManager &SM,
                                const analyzer::Location &L) {
  if (!L.valid())
    return {};
  auto File = SM.getFileManager().getOptionalFileRef(L.File);
  if (!File)
    return {};
  return SM.translateFileLineCol(&File->getFileEntry(), L.Line, L.Column);
}

std::optional<FixItHint> toFixIt(SourceManager &SM,
                                 const analyzer::Replacement &R) {
  auto File = SM.getFileManager().getOptionalFileRef(R.File);
  if (!File)
    return std::nullopt;
  FileID ID = SM.translateFile(*File);
  if (ID.isInvalid())
    return std::nullopt;
  SourceLocation Begin = SM.getComposedLoc(ID, R.Offset);
  if (R.Length == 0)
    return FixItHint::CreateInsertion(Begin, R.Text);
  return FixItHint::CreateReplacement(
      CharSourceRange::getCharRange(Begin, Begin.getLocWithOffset(R.Length)),
      R.Text);
}

} // namespace tenure::checks
