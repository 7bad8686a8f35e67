//===- ContainerCollector.cpp - Long-lived containers and their uses ------===//

#include "analyzer/ast/ContainerCollector.h"

#include "analyzer/ast/SourceFacts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

using namespace clang;

namespace tenure::analyzer {
namespace {

const llvm::StringSet<> &growingContainers() {
  static const llvm::StringSet<> Names = {
      "std::vector", "std::deque", "std::list", "std::forward_list",
      "std::set", "std::multiset", "std::map", "std::multimap",
      "std::unordered_set", "std::unordered_multiset", "std::unordered_map",
      "std::unordered_multimap", "absl::flat_hash_map", "absl::flat_hash_set",
      "absl::node_hash_map", "absl::node_hash_set", "absl::btree_map",
      "absl::btree_set", "absl::btree_multimap", "absl::btree_multiset",
      "absl::InlinedVector", "std::queue", "std::stack", "std::priority_queue"};
  return Names;
}

bool isKeyed(llvm::StringRef Template) {
  return Template.contains("map") || Template.contains("set");
}

const llvm::StringSet<> &growingMethods() {
  static const llvm::StringSet<> Names = {
      "insert", "emplace", "emplace_hint", "try_emplace", "insert_or_assign",
      "push_back", "emplace_back", "push_front", "emplace_front", "push",
      "insert_range", "append_range"};
  return Names;
}

const llvm::StringSet<> &shrinkingMethods() {
  static const llvm::StringSet<> Names = {
      "erase", "clear", "pop_back", "pop_front", "pop", "extract", "swap",
      "resize", "assign", "remove", "remove_if"};
  return Names;
}



// The class's own functions, and those of them this TU defines: only they
// can shrink its non-public containers.
void describeMethods(const CXXRecordDecl *RD, ContainerFact &C) {
  for (const CXXMethodDecl *M : RD->methods()) {
    if (M->isImplicit() || M->isDeleted() || M->isDefaulted() ||
        M->isPureVirtual())
      continue;
    C.Methods.push_back(functionKey(M));
    if (M->hasBody())
      C.DefinedMethods.push_back(C.Methods.back());
  }
}

class ContainerCollector : public RecursiveASTVisitor<ContainerCollector> {
public:
  ContainerCollector(ASTContext &Ctx, const HandleTypes &Handles,
                     const llvm::Regex &CacheName)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Handles(Handles),
        CacheName(CacheName) {}

  bool shouldVisitTemplateInstantiations() const { return true; }

  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation())))
      return true;
    const auto *FD = dyn_cast_or_null<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody() || FD->isDependentContext())
      return RecursiveASTVisitor::TraverseDecl(D);
    // Uses inside this function (and its lambdas) are judged against it.
    const FunctionDecl *Saved = Function;
    Function = FD;
    bool Result = RecursiveASTVisitor::TraverseDecl(D);
    Function = Saved;
    return Result;
  }

  // A lambda's body runs later, not as part of the function that makes it:
  // insertions there are judged on their own (a lambda made in a
  // constructor is not the constructor).
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    const FunctionDecl *Saved = Function;
    Function = LE->getCallOperator();
    bool Result = RecursiveASTVisitor::TraverseLambdaExpr(LE);
    Function = Saved;
    return Result;
  }

  // Code this analysis cannot follow may shrink a container it is handed: a
  // function taking it by non-const reference or pointer, its address, a
  // getter returning it by non-const reference. Counted as shrinking, so
  // the check stays quiet rather than guess.
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf)
      if (std::optional<std::string> Key = containerOf(UO->getSubExpr()))
        emitUse(*Key, UO->getExprLoc(), /*Grows=*/false);
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *Return) {
    if (Function && Return->getRetValue() &&
        Function->getReturnType()->isReferenceType() &&
        !Function->getReturnType().getNonReferenceType().isConstQualified())
      if (std::optional<std::string> Key = containerOf(Return->getRetValue()))
        emitUse(*Key, Return->getReturnLoc(), /*Grows=*/false);
    return true;
  }

  bool VisitFieldDecl(FieldDecl *Field) {
    const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
    if (!Owner || Owner->isDependentType() || Owner->isLambda() ||
        isLibraryRecord(Owner))
      return true;
    if (std::optional<std::string> Key = keyOf(Field)) {
      ContainerFact &C = emitContainer(*Key, Field);
      C.Public = Field->getAccess() == AS_public;
      describeMethods(Owner, C);
    }
    return true;
  }

  bool VisitVarDecl(VarDecl *Var) {
    if (Var->getDeclContext()->isDependentContext() || !Var->hasGlobalStorage() ||
        isa<ParmVarDecl>(Var) || Var != Var->getCanonicalDecl())
      return true;
    std::optional<std::string> Key = keyOf(Var);
    if (!Key)
      return true;
    ContainerFact &C = emitContainer(*Key, Var);
    if (Var->isStaticDataMember()) {
      C.Public = Var->getAccess() == AS_public;
      describeMethods(cast<CXXRecordDecl>(Var->getDeclContext()), C);
    } else {
      C.Local = Var->isStaticLocal() || !Var->isExternallyVisible();
      C.Public = !C.Local;
    }
    return true;
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *Call) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (!Method || !Method->getIdentifier())
      return true;
    llvm::StringRef Name = Method->getName();
    bool Grows = growingMethods().contains(Name);
    if (!Grows && !shrinkingMethods().contains(Name))
      return true;
    std::optional<std::string> Key = containerOf(Call->getImplicitObjectArgument());
    if (Key)
      emitUse(*Key, Call->getExprLoc(), Grows);
    // a.swap(b) shrinks b as well.
    if (Name == "swap" && Call->getNumArgs() == 1)
      if (std::optional<std::string> Other = containerOf(Call->getArg(0)))
        emitUse(*Other, Call->getExprLoc(), /*Grows=*/false);
    return true;
  }

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Call) {
    if (Call->getNumArgs() < 1)
      return true;
    std::optional<std::string> Key = containerOf(Call->getArg(0));
    if (!Key)
      return true;
    if (Call->getOperator() == OO_Subscript &&
        isKeyed(HandleTypes::templateName(Call->getArg(0)->getType())))
      emitUse(*Key, Call->getExprLoc(), /*Grows=*/true); // map[k] inserts
    else if (Call->getOperator() == OO_Equal)
      emitUse(*Key, Call->getExprLoc(), /*Grows=*/false);
    return true;
  }

  // std::erase_if(c, ...), std::erase(c, ...), std::swap(a, b).
  bool VisitCallExpr(CallExpr *Call) {
    if (isa<CXXMemberCallExpr>(Call) || isa<CXXOperatorCallExpr>(Call))
      return true;
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee)
      return true;
    bool Shrinks = Callee->getIdentifier() &&
                   (Callee->getName() == "erase_if" ||
                    Callee->getName() == "erase" || Callee->getName() == "swap");
    for (unsigned I = 0; I < Call->getNumArgs(); ++I) {
      std::optional<std::string> Key = containerOf(Call->getArg(I));
      if (!Key)
        continue;
      QualType Param = I < Callee->getNumParams()
                           ? Callee->getParamDecl(I)->getType()
                           : QualType();
      bool Mutable = !Param.isNull() && Param->isReferenceType() &&
                     !Param.getNonReferenceType().isConstQualified();
      if (Shrinks || (Mutable && !Callee->isInStdNamespace()))
        emitUse(*Key, Call->getExprLoc(), /*Grows=*/false);
    }
    return true;
  }

  Facts Out;

private:
  std::optional<std::string> keyOf(const ValueDecl *D) {
    auto Cached = Keys.find(D);
    if (Cached != Keys.end())
      return Cached->second;
    std::optional<std::string> Key;
    std::string Template = HandleTypes::templateName(D->getType());
    if (growingContainers().contains(Template)) {
      bool HoldsHandles = false;
      for (const Held &H : Handles.held(D->getType()))
        HoldsHandles |= H.Kind == HoldKind::Strong;
      bool Named = CacheName.match(D->getName());
      // A data member is long-lived only as a cache: by name, or as a keyed
      // container of handles. Children lists of a tree are not caches.
      bool Qualifies = isa<FieldDecl>(D)
                           ? Named || (HoldsHandles && isKeyed(Template))
                           : Named || HoldsHandles;
      if (Qualifies)
        Key = qualifiedKey(D);
    }
    Keys[D] = Key;
    return Key;
  }

  std::string qualifiedKey(const ValueDecl *D) {
    if (const auto *Field = dyn_cast<FieldDecl>(D))
      return recordName(cast<CXXRecordDecl>(Field->getParent())) + "::" +
             Field->getNameAsString();
    const auto *Var = cast<VarDecl>(D);
    if (Var->isStaticDataMember())
      return recordName(cast<CXXRecordDecl>(Var->getDeclContext())) + "::" +
             Var->getNameAsString();
    std::string Name = Var->getQualifiedNameAsString();
    if (const auto *Function =
            dyn_cast_or_null<FunctionDecl>(Var->getParentFunctionOrMethod()))
      Name = Function->getQualifiedNameAsString() + "::" +
             Var->getNameAsString();
    if (Var->isStaticLocal() || !Var->isExternallyVisible())
      Name += "@" + locationOf(SM, Var->getLocation()).File;
    return Name;
  }

  // The container an expression names: a field, a variable, or a reference
  // local bound to one (`auto &c = cache_;`).
  std::optional<std::string> containerOf(const Expr *E) {
    for (unsigned Depth = 0; E && Depth < 4; ++Depth) {
      E = E->IgnoreParenImpCasts();
      if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
          return keyOf(Field);
        if (const auto *Var = dyn_cast<VarDecl>(ME->getMemberDecl()))
          return keyOf(Var);
        return std::nullopt;
      }
      const auto *Ref = dyn_cast<DeclRefExpr>(E);
      const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
      if (!Var)
        return std::nullopt;
      if (Var->hasGlobalStorage())
        return keyOf(Var->getCanonicalDecl());
      if (!Var->getType()->isReferenceType() || !Var->getInit())
        return std::nullopt;
      E = Var->getInit();
    }
    return std::nullopt;
  }

  ContainerFact &emitContainer(const std::string &Key, const ValueDecl *D) {
    ContainerFact C;
    C.Key = Key;
    C.Type = D->getType().getAsString(Ctx.getPrintingPolicy());
    C.Loc = locationOf(SM, D->getLocation());
    for (const Held &H : Handles.held(D->getType())) {
      if (H.Kind != HoldKind::Strong)
        continue;
      C.HoldsHandles = true;
      if (H.Target)
        C.HeldTypes.push_back(recordName(H.Target));
    }
    C.CacheName = CacheName.match(D->getName());
    Out.Containers.push_back(std::move(C));
    return Out.Containers.back();
  }

  void emitUse(const std::string &Key, SourceLocation Loc, bool Grows) {
    ContainerUseFact U;
    U.Key = Key;
    U.Loc = locationOf(SM, Loc);
    U.Grows = Grows;
    if (Grows && Function)
      U.Bounded = isa<CXXConstructorDecl>(Function) ||
                  sizeCompared(Function).contains(Key);
    Out.ContainerUses.push_back(std::move(U));
  }

  // Containers whose size() the function compares: `if (c.size() >= N)`.
  const llvm::StringSet<> &sizeCompared(const FunctionDecl *FD) {
    auto [It, Inserted] = SizeChecks.try_emplace(FD);
    if (!Inserted)
      return It->second;
    struct Finder : RecursiveASTVisitor<Finder> {
      ContainerCollector &C;
      llvm::StringSet<> Found;
      explicit Finder(ContainerCollector &C) : C(C) {}
      bool VisitBinaryOperator(BinaryOperator *BO) {
        if (!BO->isComparisonOp())
          return true;
        for (const Expr *Side : {BO->getLHS(), BO->getRHS()}) {
          Side = Side->IgnoreParenImpCasts();
          // c.size() or std::size(c)
          const Expr *Sized = nullptr;
          if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Side)) {
            const CXXMethodDecl *M = Call->getMethodDecl();
            if (M && M->getIdentifier() && M->getName() == "size")
              Sized = Call->getImplicitObjectArgument();
          } else if (const auto *Call = dyn_cast<CallExpr>(Side)) {
            const FunctionDecl *F = Call->getDirectCallee();
            if (F && F->getIdentifier() && F->getName() == "size" &&
                Call->getNumArgs() == 1)
              Sized = Call->getArg(0);
          }
          if (auto Key = Sized ? C.containerOf(Sized) : std::nullopt)
            Found.insert(*Key);
        }
        return true;
      }
    } F(*this);
    F.TraverseStmt(FD->getBody());
    return SizeChecks[FD] = std::move(F.Found);
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const HandleTypes &Handles;
  const llvm::Regex &CacheName;
  const FunctionDecl *Function = nullptr;
  llvm::DenseMap<const ValueDecl *, std::optional<std::string>> Keys;
  llvm::DenseMap<const FunctionDecl *, llvm::StringSet<>> SizeChecks;
};

} // namespace

Facts collectContainerFacts(ASTContext &Ctx, const HandleTypes &Handles,
                            const llvm::Regex &CacheName) {
  ContainerCollector C(Ctx, Handles, CacheName);
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  return mergeFacts({std::move(C.Out)});
}

} // namespace tenure::analyzer
