//===- SourceFacts.cpp ----------------------------------------------------===//

#include "analyzer/SourceFacts.h"

#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/SmallString.h"

using namespace clang;

namespace tenure::analyzer {

Location locationOf(const SourceManager &SM, SourceLocation L) {
  if (L.isInvalid())
    return {};
  SourceLocation Exp = SM.getExpansionLoc(L);
  OptionalFileEntryRef File = SM.getFileEntryRefForID(SM.getFileID(Exp));
  if (!File)
    return {};
  llvm::StringRef Real = File->getFileEntry().tryGetRealPathName();
  return {Real.empty() ? File->getName().str() : Real.str(),
          SM.getExpansionLineNumber(Exp), SM.getExpansionColumnNumber(Exp)};
}

std::string functionKey(const FunctionDecl *FD) {
  llvm::SmallString<128> USR;
  if (index::generateUSRForDecl(FD->getCanonicalDecl(), USR))
    return FD->getQualifiedNameAsString();
  return std::string(USR);
}

} // namespace tenure::analyzer
