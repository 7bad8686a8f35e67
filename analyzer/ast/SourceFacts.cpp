//===- SourceFacts.cpp ----------------------------------------------------===//

#include "analyzer/ast/SourceFacts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ASTLambda.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
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

std::string enclosingDeclaration(const Decl &D) {
  for (const Decl *At = &D; At;) {
    if (const auto *Fn = dyn_cast<FunctionDecl>(At)) {
      if (!isLambdaCallOperator(Fn))
        return Fn->getQualifiedNameAsString();
    } else if (const auto *Record = dyn_cast<RecordDecl>(At)) {
      // Unnamed records print with their line and column: not a stable key.
      if (!Record->isLambda() && Record->getIdentifier())
        return Record->getQualifiedNameAsString();
    } else if (const auto *Var = dyn_cast<VarDecl>(At)) {
      if (!Var->isLocalVarDeclOrParm())
        return Var->getQualifiedNameAsString();
    }
    const DeclContext *Parent = At->getDeclContext();
    At = Parent && !Parent->isTranslationUnit()
             ? Decl::castFromDeclContext(Parent)
             : nullptr;
  }
  return "";
}

bool isInSystemHeader(const Decl &D) {
  SourceLocation L = D.getLocation();
  const SourceManager &SM = D.getASTContext().getSourceManager();
  return L.isValid() && SM.isInSystemHeader(SM.getExpansionLoc(L));
}

} // namespace tenure::analyzer
