//===- AccessPath.cpp - What an expression reaches, and from where --------===//

#include "analyzer/ast/AccessPath.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace tenure::analyzer {

bool isStdCall(const CallExpr *Call, llvm::StringRef Name) {
  const auto *Callee = dyn_cast_or_null<FunctionDecl>(Call->getCalleeDecl());
  return Callee && Callee->isInStdNamespace() && Callee->getIdentifier() &&
         Callee->getName() == Name && Call->getNumArgs() == 1;
}

const Expr *unwrapOnce(const Expr *E) {
  const Expr *Inner = E->IgnoreParenImpCasts();
  if (Inner != E)
    return Inner;
  if (const auto *C = dyn_cast<ExprWithCleanups>(E))
    return C->getSubExpr();
  if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
    return M->getSubExpr();
  if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
    return B->getSubExpr();
  if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
    return F->getSubExpr();
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (CE->getNumArgs() == 1 &&
        (Ctor->isCopyOrMoveConstructor() ||
         Ctor->isConvertingConstructor(/*AllowExplicit=*/false)))
      return CE->getArg(0);
    return nullptr;
  }
  if (const auto *Call = dyn_cast<CallExpr>(E))
    if (isStdCall(Call, "move") || isStdCall(Call, "forward"))
      return Call->getArg(0);
  return nullptr;
}

const Expr *ignoreWrappers(const Expr *E) {
  while (E)
    if (const Expr *Next = unwrapOnce(E))
      E = Next;
    else
      break;
  return E;
}

const FieldDecl *returnedField(const CXXMethodDecl *Method) {
  if (!Method || !Method->getReturnType()->isLValueReferenceType())
    return nullptr;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Method->getBody());
  if (!Body || Body->size() != 1)
    return nullptr;
  const auto *Return = dyn_cast<ReturnStmt>(Body->body_front());
  if (!Return || !Return->getRetValue())
    return nullptr;
  const auto *ME = dyn_cast<MemberExpr>(ignoreWrappers(Return->getRetValue()));
  if (!ME || !isa<CXXThisExpr>(ignoreWrappers(ME->getBase())))
    return nullptr;
  return dyn_cast<FieldDecl>(ME->getMemberDecl());
}

bool AccessStep::staysOnObject() const {
  if (StepKind == Dereference)
    return true;
  return StepKind == CallGetter && Call->getNumArgs() == 0 && Method &&
         Method->getIdentifier() && Method->getName() == "get";
}

llvm::SmallVector<const FieldDecl *, 4> AccessPath::fieldsFromRoot() const {
  llvm::SmallVector<const FieldDecl *, 4> Fields;
  for (const AccessStep &Step : llvm::reverse(Steps))
    if (Step.Field)
      Fields.push_back(Step.Field);
  return Fields;
}

namespace {

// The link \p E (already unwrapped) is, if any.
std::optional<AccessStep> linkOf(const Expr *E) {
  AccessStep Step;
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    // A static member or an enumerator named through an object is not
    // reached from it.
    const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!Field)
      return std::nullopt;
    Step.StepKind = AccessStep::ReadField;
    Step.Field = Field;
    Step.Member = ME;
    Step.Base = ME->getBase();
    return Step;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->getOpcode() != UO_Deref)
      return std::nullopt;
    Step.StepKind = AccessStep::Dereference;
    Step.Base = UO->getSubExpr();
    return Step;
  }
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E)) {
    // Unary only: `a * b` is a product, not a dereference of a.
    if ((OCE->getOperator() != OO_Arrow && OCE->getOperator() != OO_Star) ||
        OCE->getNumArgs() != 1)
      return std::nullopt;
    Step.StepKind = AccessStep::Dereference;
    Step.Base = OCE->getArg(0);
    return Step;
  }
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E)) {
    const FieldDecl *Returned = returnedField(MCE->getMethodDecl());
    if (MCE->getNumArgs() != 0 && !Returned)
      return std::nullopt;
    Step.StepKind = AccessStep::CallGetter;
    Step.Field = Returned;
    Step.Call = MCE;
    Step.Method = MCE->getMethodDecl();
    Step.Base = MCE->getImplicitObjectArgument();
    return Step;
  }
  return std::nullopt;
}

} // namespace

std::optional<AccessStep> accessStep(const Expr *E) {
  E = ignoreWrappers(E);
  return E ? linkOf(E) : std::nullopt;
}

AccessPath accessPath(const Expr *E) {
  AccessPath Path;
  while ((E = ignoreWrappers(E))) {
    if (isa<CXXThisExpr>(E)) {
      Path.Root = AccessRoot::This;
      return Path;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      Path.Variable = dyn_cast<VarDecl>(DRE->getDecl());
      Path.Root = Path.Variable ? AccessRoot::Variable : AccessRoot::Other;
      return Path;
    }
    std::optional<AccessStep> Step = linkOf(E);
    if (!Step) {
      Path.Root = isa<CallExpr>(E) ? AccessRoot::Call : AccessRoot::Other;
      return Path;
    }
    if (Path.Steps.size() == MaxAccessSteps)
      break;
    Path.Steps.push_back(*Step);
    E = Step->Base;
  }
  Path.Root = AccessRoot::Other;
  return Path;
}

const VarDecl *bareVariable(const Expr *E) {
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(ignoreWrappers(E)))
    return dyn_cast<VarDecl>(DRE->getDecl());
  return nullptr;
}

bool isThis(const Expr *E) { return E && isa<CXXThisExpr>(ignoreWrappers(E)); }

} // namespace tenure::analyzer
