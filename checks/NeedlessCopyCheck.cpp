//===- NeedlessCopyCheck.cpp - tenure-needless-copy -----------------------===//

#include "checks/NeedlessCopyCheck.h"

#include "analyzer/ast/ContainerVocabulary.h"
#include "analyzer/ast/SourceFacts.h"
#include "checks/SourceLocations.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/Analyses/ExprMutationAnalyzer.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace tenure::analyzer;

#define DEBUG_TYPE "tenure-checks"

namespace tenure::checks {
namespace {

// What --debug-counters shows: what this check's matchers matched, and how
// often it walked system headers itself for the calls of its candidates.
ALWAYS_ENABLED_STATISTIC(NeedlessCopyMatches,
                         "nodes tenure-needless-copy's matchers matched");
ALWAYS_ENABLED_STATISTIC(
    SystemDeclsWalkedForCalls,
    "top-level declarations in system headers walked for the calls of "
    "functions with a by-value handle parameter");

/// What a one-argument construction copies or moves from, or null. Later
/// arguments may be defaults: in verification mode tenure::Ref's copy
/// constructor takes its call site as a defaulted std::source_location.
const Expr *soleArgument(const CXXConstructExpr *Construct) {
  if (!Construct || Construct->getNumArgs() == 0)
    return nullptr;
  for (const Expr *Arg : llvm::drop_begin(Construct->arguments()))
    if (!isa<CXXDefaultArgExpr>(Arg))
      return nullptr;
  return Construct->getArg(0);
}

/// What one mention of a handle variable does with it.
enum class Use {
  Read,     ///< Read in place: dereferenced, compared, passed by const&.
  Store,    ///< Copied into something that outlives the expression.
  Moved,    ///< Given to std::move / std::forward.
  Returned, ///< Returned: ownership passes to the caller.
  Escapes,  ///< Address taken, captured by reference or by an escaping lambda.
  Ignored,  ///< Inside a lambda body: a use of the capture, not the variable.
};

// Standard functions that call a callable they are given and keep no copy
// of it once they return.
const llvm::StringSet<> &nonRetainingAlgorithms() {
  static const llvm::StringSet<> Names = {"for_each",
                                          "for_each_n",
                                          "transform",
                                          "find_if",
                                          "find_if_not",
                                          "count_if",
                                          "any_of",
                                          "all_of",
                                          "none_of",
                                          "remove_if",
                                          "remove_copy_if",
                                          "copy_if",
                                          "replace_if",
                                          "sort",
                                          "stable_sort",
                                          "partial_sort",
                                          "nth_element",
                                          "partition",
                                          "stable_partition",
                                          "is_partitioned",
                                          "min_element",
                                          "max_element",
                                          "minmax_element",
                                          "adjacent_find",
                                          "equal",
                                          "mismatch",
                                          "lower_bound",
                                          "upper_bound",
                                          "equal_range",
                                          "binary_search",
                                          "unique",
                                          "is_sorted",
                                          "generate",
                                          "generate_n",
                                          "accumulate",
                                          "reduce",
                                          "transform_reduce",
                                          "inner_product",
                                          "erase_if",
                                          "invoke",
                                          "apply",
                                          "visit",
                                          "search",
                                          "find_end",
                                          "includes"};
  return Names;
}

const Stmt *parentStmt(ASTContext &Ctx, const Stmt *S) {
  auto Parents = Ctx.getParents(*S);
  return Parents.empty() ? nullptr : Parents[0].get<Stmt>();
}

bool isStdFunction(const FunctionDecl *FD, llvm::StringRef Name) {
  return FD && FD->isInStdNamespace() && FD->getDeclName().isIdentifier() &&
         FD->getName() == Name;
}

// Climbs from E past implicit conversions and parentheses.
const Expr *climbCasts(ASTContext &Ctx, const Expr *E) {
  while (const Stmt *P = parentStmt(Ctx, E)) {
    if (!isa<ImplicitCastExpr, ParenExpr>(P))
      break;
    E = cast<Expr>(P);
  }
  return E;
}

// Climbs from E past what wraps a temporary or a conversion.
const Stmt *climbWrappers(ASTContext &Ctx, const Stmt *S) {
  while (const Stmt *P = parentStmt(Ctx, S)) {
    if (!isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
             CXXBindTemporaryExpr, ExprWithCleanups, CXXFunctionalCastExpr>(P))
      break;
    S = P;
  }
  return S;
}

/// A lambda that is called on the spot or handed to a standard algorithm
/// dies before the enclosing full-expression ends; any other lambda may be
/// kept (in a std::function, a queue, a member).
bool lambdaEscapes(ASTContext &Ctx, const LambdaExpr *Lambda) {
  const Stmt *S = climbWrappers(Ctx, Lambda);
  const Stmt *P = parentStmt(Ctx, S);
  // Passed by value to an algorithm: one more copy of the closure.
  if (const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(P)) {
    S = climbWrappers(Ctx, Construct);
    P = parentStmt(Ctx, S);
  }
  if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P))
    return !(Op->getOperator() == OO_Call && Op->getNumArgs() > 0 &&
             Op->getArg(0)->IgnoreImplicit() == Lambda);
  if (const auto *Call = dyn_cast_or_null<CallExpr>(P)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (Callee && Callee->isInStdNamespace() &&
        Callee->getDeclName().isIdentifier() &&
        nonRetainingAlgorithms().contains(Callee->getName()))
      return llvm::is_contained(Call->arguments(), S) ? false : true;
  }
  return true;
}

/// Whether every constructor of the element a container call \p Call
/// (`emplace_back(p, ...)`) makes takes argument \p Index by const reference
/// or as a weak handle: then moving that argument gains nothing.
bool elementTakesItByConstReference(const CXXMemberCallExpr *Call,
                                    unsigned Index,
                                    const HandleTypes &Handles) {
  const CXXRecordDecl *Container = Call->getRecordDecl();
  const auto *Spec =
      dyn_cast_or_null<ClassTemplateSpecializationDecl>(Container);
  if (!Spec || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return false;
  QualType Element = Spec->getTemplateArgs()[0].getAsType();
  if (Handles.isWeak(Element))
    return true;
  const CXXRecordDecl *Record = Element->getAsCXXRecordDecl();
  if (!Record || !Record->hasDefinition() || isLibraryRecord(Record))
    return false;
  bool Any = false;
  for (const CXXConstructorDecl *Ctor : Record->ctors()) {
    if (Ctor->isCopyOrMoveConstructor() || Index >= Ctor->getNumParams() ||
        Call->getNumArgs() < Ctor->getMinRequiredArguments() ||
        Call->getNumArgs() > Ctor->getNumParams())
      continue;
    QualType Param = Ctor->getParamDecl(Index)->getType();
    bool ConstRef = Param->isLValueReferenceType() &&
                    Param->getPointeeType().isConstQualified();
    if (!ConstRef && !Handles.isWeak(Param))
      return false;
    Any = true;
  }
  return Any;
}

/// What the mention \p Ref of a variable does with it; \p Scope bounds the
/// walk up the tree. Handing a strong handle to a weak one is a read: the
/// weak handle is made from a const reference, so a move would gain nothing.
Use classifyUse(ASTContext &Ctx, const DeclRefExpr *Ref, const Stmt *Scope,
                const HandleTypes &Handles) {
  // A mention inside a lambda body reads the lambda's capture; the capture
  // itself is judged where the lambda is.
  for (const Stmt *S = Ref; S && S != Scope; S = parentStmt(Ctx, S))
    if (isa<LambdaExpr>(S))
      return Use::Ignored;

  const Expr *E = climbCasts(Ctx, Ref);
  const Stmt *P = parentStmt(Ctx, E);
  if (!P) {
    // A reference bound to the handle reads it in place; anything else
    // outside a statement (a member or base initializer, a variable's
    // initializer) keeps a copy.
    auto Parents = Ctx.getParents(*E);
    const auto *Bound = Parents.empty() ? nullptr : Parents[0].get<VarDecl>();
    return Bound && Bound->getType()->isReferenceType() ? Use::Read
                                                        : Use::Store;
  }
  if (const auto *Unary = dyn_cast<UnaryOperator>(P))
    return Unary->getOpcode() == UO_AddrOf ? Use::Escapes : Use::Read;
  if (isa<ReturnStmt, CoreturnStmt>(P))
    return Use::Returned;
  if (isa<InitListExpr, ParenListExpr>(P))
    return Use::Store;
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(P)) {
    const Stmt *Outer = parentStmt(Ctx, climbWrappers(Ctx, Construct));
    if (Outer && isa<ReturnStmt>(Outer))
      return Use::Returned;
    if (Construct->getConstructor()->isMoveConstructor())
      return Use::Moved;
    if (Handles.isWeak(Construct->getType()))
      return Use::Read;
    return Use::Store;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P)) {
    if (Op->isAssignmentOp() && Op->getNumArgs() == 2 && Op->getArg(1) == E)
      return Handles.isWeak(Op->getArg(0)->getType()) ? Use::Read : Use::Store;
    return Use::Read;
  }
  if (const auto *Call = dyn_cast<CallExpr>(P)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (isStdFunction(Callee, "move") || isStdFunction(Callee, "forward") ||
        isStdFunction(Callee, "exchange") || isStdFunction(Callee, "swap"))
      return Use::Moved;
    if (Callee && Callee->getDeclName().isIdentifier() &&
        storesItsArgument(Callee->getName())) {
      for (unsigned I = 0; I < Call->getNumArgs(); ++I) {
        if (Call->getArg(I) != E)
          continue;
        const auto *Member = dyn_cast<CXXMemberCallExpr>(Call);
        if (Member && elementTakesItByConstReference(Member, I, Handles))
          return Use::Read;
        return Use::Store;
      }
    }
  }
  return Use::Read;
}

/// Whether the call \p CE of \p Method dispatches dynamically.
bool isVirtualDispatch(const CallExpr *CE, const CXXMethodDecl *Method) {
  if (!Method->isVirtual() || Method->hasAttr<FinalAttr>() ||
      Method->getParent()->hasAttr<FinalAttr>())
    return false;
  const auto *Member =
      dyn_cast<MemberExpr>(CE->getCallee()->IgnoreParenImpCasts());
  return !Member || !Member->hasQualifier();
}

/// True when the call cannot end the life of any object: a const member of
/// a handle or of a library class, or a function whose visible body calls
/// nothing, deletes nothing and constructs nothing user-defined.
bool isHarmlessCall(const Expr *Call, const HandleTypes &Handles,
                    ASTContext &Ctx) {
  const auto *CE = dyn_cast<CallExpr>(Call);
  if (!CE)
    return false; // A delete expression.
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return false;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee)) {
    // A virtual call runs whatever override the object has: the body seen
    // here (often an empty default) proves nothing.
    if (isVirtualDispatch(CE, Method))
      return false;
    const CXXRecordDecl *Record = Method->getParent();
    QualType RecordType = Ctx.getRecordType(Record);
    // A const call operator still runs arbitrary code (std::function).
    if (Method->isConst() && Method->getOverloadedOperator() != OO_Call &&
        (Handles.isStrongHandle(RecordType) || Handles.isWeak(RecordType) ||
         isLibraryRecord(Record)))
      return true;
  }
  const FunctionDecl *Definition = nullptr;
  if (!Callee->hasBody(Definition) || !Definition->getBody())
    return false;
  auto Effects =
      match(findAll(expr(anyOf(callExpr(), cxxDeleteExpr(),
                               cxxConstructExpr(hasDeclaration(
                                   cxxConstructorDecl(isUserProvided())))))
                        .bind("effect")),
            *Definition->getBody(), Ctx);
  return Effects.empty();
}

//===-- Keep-alive parameters
//-------------------------------------------------===//

/// Whether \p Source is a handle the calling frame owns outright: one of its
/// by-value locals or parameters. Nothing a callee does can drop that one.
bool isFrameOwned(const Expr *Source) {
  const auto *Ref = dyn_cast<DeclRefExpr>(Source->IgnoreParenImpCasts());
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  return Var && Var->hasLocalStorage() && !Var->getType()->isReferenceType();
}

/// Whether \p E names a by-value variable of \p Fn's own frame.
bool isLocalOf(const Expr *E, const FunctionDecl *Fn) {
  const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  return Var && Var->hasLocalStorage() && !Var->getType()->isReferenceType() &&
         Var->getParentFunctionOrMethod() == Fn;
}

/// The class a strong handle type points to, or null.
const CXXRecordDecl *handleTarget(QualType Handle) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Handle.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return nullptr;
  return Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
}

/// Whether handles of types \p A and \p B may point to the same object.
bool mayAlias(QualType A, QualType B) {
  const CXXRecordDecl *RA = handleTarget(A), *RB = handleTarget(B);
  if (!RA || !RB || !RA->hasDefinition() || !RB->hasDefinition())
    return A.getCanonicalType().getUnqualifiedType() ==
               B.getCanonicalType().getUnqualifiedType() ||
           !RA || !RB;
  RA = RA->getCanonicalDecl();
  RB = RB->getCanonicalDecl();
  return RA == RB || RA->isDerivedFrom(RB) || RB->isDerivedFrom(RA);
}

/// Whether an object of type \p T (a handle, a container of them, a struct
/// with such fields) may hold a handle to what \p Handle points to.
bool mayHold(QualType T, QualType Handle, const HandleTypes &Handles,
             unsigned Depth) {
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  if (Handles.isStrongHandle(T))
    return mayAlias(T, Handle);
  const CXXRecordDecl *Record = T->getAsCXXRecordDecl();
  if (!Record || Depth == 0 || !Record->hasDefinition())
    return false;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record))
    for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray())
      if (Arg.getKind() == TemplateArgument::Type &&
          mayHold(Arg.getAsType(), Handle, Handles, Depth - 1))
        return true;
  if (!isLibraryRecord(Record))
    for (const FieldDecl *Field : Record->fields())
      if (mayHold(Field->getType(), Handle, Handles, Depth - 1))
        return true;
  return false;
}

/// The statements of \p Fn that run when it is called: its body and, for a
/// constructor, its member and base initializers.
llvm::SmallVector<const Stmt *, 4> runningCode(const FunctionDecl &Fn) {
  llvm::SmallVector<const Stmt *, 4> Code;
  const FunctionDecl *Definition = nullptr;
  if (!Fn.hasBody(Definition) || !Definition->getBody())
    return Code;
  Code.push_back(Definition->getBody());
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Definition))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->getInit())
        Code.push_back(Init->getInit());
  return Code;
}

/// Whether \p Fn, or a function it calls whose body is visible (\p Depth
/// levels), erases, resets or overwrites something outside its own frame
/// that may hold a handle of type \p Handle, or deletes anything. Adding to
/// a container drops nothing, and neither does storing \p Param itself: its
/// object is then held by the target.
bool dropsHandle(const FunctionDecl &Fn, const ParmVarDecl *Param,
                 QualType Handle, const HandleTypes &Handles, ASTContext &Ctx,
                 unsigned Depth,
                 llvm::SmallPtrSetImpl<const FunctionDecl *> &Seen) {
  auto IsParam = [Param](const Expr *E) {
    const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreImplicit());
    return Param && Ref && Ref->getDecl() == Param;
  };
  if (!Seen.insert(Fn.getCanonicalDecl()).second)
    return false;
  for (const Stmt *Code : runningCode(Fn)) {
    for (const BoundNodes &Node :
         match(findAll(expr(anyOf(callExpr(), cxxDeleteExpr())).bind("e")),
               *Code, Ctx)) {
      const auto *E = Node.getNodeAs<Expr>("e");
      if (isa<CXXDeleteExpr>(E))
        return true;
      const auto *Call = cast<CallExpr>(E);
      const Expr *Target = nullptr;
      QualType TargetType;
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call)) {
        if (Op->isAssignmentOp() && Op->getNumArgs() == 2 &&
            !IsParam(Op->getArg(1))) {
          Target = Op->getArg(0);
          TargetType = Target->getType();
        }
      } else if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call)) {
        // A non-const member whose body is visible is judged by its body
        // (below); a library one, an unseen one or a virtual one by what
        // its object may hold.
        const CXXMethodDecl *Method = Member->getMethodDecl();
        bool SeenThrough = Method && Depth > 0 && Method->hasBody() &&
                           !isVirtualDispatch(Call, Method) &&
                           !isLibraryRecord(Method->getParent());
        bool Adds = Method && Method->getDeclName().isIdentifier() &&
                    storesItsArgument(Method->getName()) &&
                    !dropsHeldValues(Method->getName());
        if (Method && !Method->isConst() && !Method->isStatic() &&
            !SeenThrough && !Adds) {
          Target = Member->getImplicitObjectArgument();
          TargetType = Member->getObjectType();
        }
      }
      if (Target && !isLocalOf(Target, &Fn) &&
          mayHold(TargetType, Handle, Handles, 3))
        return true;
      // Library and handle members are judged above by their object; a
      // library body says nothing about the caller's handles.
      const FunctionDecl *Callee = Call->getDirectCallee();
      const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Callee);
      bool Library =
          Callee &&
          (Callee->isInStdNamespace() ||
           (Method &&
            (isLibraryRecord(Method->getParent()) ||
             Handles.isStrongHandle(Ctx.getRecordType(Method->getParent())) ||
             Handles.isWeak(Ctx.getRecordType(Method->getParent())))));
      if (Callee && Depth > 0 && !Library &&
          !(Method && isVirtualDispatch(Call, Method)) &&
          dropsHandle(*Callee, nullptr, Handle, Handles, Ctx, Depth - 1, Seen))
        return true;
    }
  }
  return false;
}

bool isLibraryFunction(const FunctionDecl *Fn) {
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Fn))
    return isLibraryRecord(Method->getParent());
  for (const DeclContext *DC = Fn->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      if (!NS->isInlineNamespace() && NS->getParent()->isTranslationUnit()) {
        llvm::StringRef Top = NS->getName();
        return Top == "std" || Top == "absl" || Top.starts_with("__");
      }
  return false;
}

/// Whether a library call can reach user code or a handle of type \p Handle
/// through what it is given: library code runs no user code of its own, so
/// it can release only what its object and arguments lead to, and call
/// back only through user types and callables among them.
bool libraryCallReaches(const CallExpr *Call, QualType Handle,
                        const HandleTypes &Handles) {
  llvm::SmallVector<const Expr *, 4> Given(Call->arguments());
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call))
    Given.push_back(Member->getImplicitObjectArgument());
  for (const Expr *E : Given) {
    if (!E)
      continue;
    QualType T = E->getType().getNonReferenceType();
    if (T->isPointerType())
      T = T->getPointeeType();
    if (T->isFunctionType() || mayHold(T, Handle, Handles, 3))
      return true;
    const CXXRecordDecl *Record = T->getAsCXXRecordDecl();
    if (Record && !isLibraryRecord(Record))
      return true;
    if (const auto *Spec =
            dyn_cast_or_null<ClassTemplateSpecializationDecl>(Record))
      for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray())
        if (Arg.getKind() == TemplateArgument::Type)
          if (const CXXRecordDecl *Inner =
                  Arg.getAsType()->getAsCXXRecordDecl())
            if (!isLibraryRecord(Inner))
              return true;
  }
  return false;
}

/// Whether anything \p Fn runs could release a handle of type \p Handle: a
/// call that is not known harmless (for a library call: one given something
/// that may hold such a handle or run user code), or a delete.
bool canRelease(const FunctionDecl &Fn, QualType Handle,
                const HandleTypes &Handles, ASTContext &Ctx) {
  for (const Stmt *Code : runningCode(Fn))
    for (const BoundNodes &Node :
         match(findAll(expr(anyOf(callExpr(), cxxDeleteExpr())).bind("e")),
               *Code, Ctx)) {
      const auto *E = Node.getNodeAs<Expr>("e");
      if (isHarmlessCall(E, Handles, Ctx))
        continue;
      const auto *Call = dyn_cast<CallExpr>(E);
      const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
      if (Callee && isLibraryFunction(Callee) &&
          !libraryCallReaches(Call, Handle, Handles))
        continue;
      return true;
    }
  return false;
}

std::vector<const DeclRefExpr *> mentions(ASTContext &Ctx, const Decl *D,
                                          const Stmt &Scope) {
  std::vector<const DeclRefExpr *> Out;
  for (const BoundNodes &Node :
       match(findAll(declRefExpr(to(decl(equalsNode(D)))).bind("ref")), Scope,
             Ctx))
    Out.push_back(Node.getNodeAs<DeclRefExpr>("ref"));
  return Out;
}

/// Whether the mention \p Ref only reaches the handle's object: `h->f()`,
/// `*h`, `h.get()`, `h.ptr()`. Intrusive handles often have a non-const
/// `operator->` beside the const one (RefPtr style); calling through it
/// leaves the handle as it was. In a template, `h->member` is a dependent
/// member access the analyzer cannot see through.
bool reachesObjectOnly(ASTContext &Ctx, const DeclRefExpr *Ref) {
  const Expr *E = climbCasts(Ctx, Ref);
  const Stmt *P = parentStmt(Ctx, E);
  if (const auto *Member = dyn_cast_or_null<CXXDependentScopeMemberExpr>(P))
    return Member->isArrow() && Member->getBase() == E;
  if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P))
    return (Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
           Op->getNumArgs() == 1 && Op->getArg(0) == E;
  if (const auto *Member = dyn_cast_or_null<MemberExpr>(P)) {
    const auto *Call =
        dyn_cast_or_null<CXXMemberCallExpr>(parentStmt(Ctx, Member));
    const CXXMethodDecl *Method = Call ? Call->getMethodDecl() : nullptr;
    return Method && Method->getDeclName().isIdentifier() &&
           (Method->getName() == "get" || Method->getName() == "ptr") &&
           Call->getNumArgs() == 0;
  }
  return false;
}

/// Whether every mention of \p D in \p Scope would still compile with \p D a
/// const reference. A handle whose non-const `operator->`, `operator*` or
/// `ptr()` gives a mutable object and whose const one a const object (the
/// RefPtr style) compiles only where the object is not changed through it.
bool constReferenceCompiles(ASTContext &Ctx, const ValueDecl *D,
                            const Stmt &Scope) {
  ExprMutationAnalyzer Analyzer(Scope, Ctx);
  for (const DeclRefExpr *Ref : mentions(Ctx, D, Scope)) {
    if (!reachesObjectOnly(Ctx, Ref))
      continue;
    const Stmt *P = parentStmt(Ctx, climbCasts(Ctx, Ref));
    const Expr *Access = nullptr;
    const CXXMethodDecl *Method = nullptr;
    if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P)) {
      Access = Op;
      Method = dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee());
    } else if (const auto *Member = dyn_cast_or_null<MemberExpr>(P)) {
      Access = dyn_cast_or_null<Expr>(parentStmt(Ctx, Member));
      Method = dyn_cast_or_null<CXXMethodDecl>(Member->getMemberDecl());
    }
    if (!Access || !Method || Method->isConst())
      continue;
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Access);
        Op && Op->getOperator() == OO_Arrow) {
      const auto *Member = dyn_cast_or_null<MemberExpr>(parentStmt(Ctx, Op));
      if (!Member)
        return false;
      if (const auto *Called =
              dyn_cast<CXXMethodDecl>(Member->getMemberDecl())) {
        if (!Called->isConst() && !Called->isStatic())
          return false;
      } else if (Analyzer.isMutated(Member)) {
        return false;
      }
      continue;
    }
    if (Access->getType()->isPointerType() ? Analyzer.isPointeeMutated(Access)
                                           : Analyzer.isMutated(Access))
      return false;
  }
  return true;
}

/// Whether \p Ref is returned as it is (`return h;`, moved from implicitly).
bool isReturnedValue(ASTContext &Ctx, const DeclRefExpr *Ref) {
  const Stmt *P = parentStmt(Ctx, climbCasts(Ctx, Ref));
  if (isa_and_nonnull<CXXConstructExpr>(P))
    P = parentStmt(Ctx, climbWrappers(Ctx, P));
  return isa_and_nonnull<ReturnStmt>(P);
}

/// Whether any mention of \p D in \p Scope may change it. With
/// \p ReturnIsRead, the implicit move of `return h;` does not count: for a
/// loop variable bound by const reference instead, the return copies.
bool isMutated(ASTContext &Ctx, const ValueDecl *D, const Stmt &Scope,
               bool ReturnIsRead = false) {
  ExprMutationAnalyzer Analyzer(Scope, Ctx);
  for (const DeclRefExpr *Ref : mentions(Ctx, D, Scope)) {
    if (reachesObjectOnly(Ctx, Ref) ||
        (ReturnIsRead && isReturnedValue(Ctx, Ref)))
      continue;
    if (Analyzer.findMutation(Ref))
      return true;
  }
  return false;
}

/// How the lambdas in \p Scope capture any of \p Vars: the strongest use.
/// A copy into a lambda that never escapes is a read; a reference capture or
/// an escaping lambda lets the handle outlive what we can see.
std::optional<Use> captureUse(ASTContext &Ctx,
                              llvm::ArrayRef<const ValueDecl *> Vars,
                              const Stmt &Scope, SourceLocation &Last) {
  std::optional<Use> Result;
  for (const BoundNodes &Node :
       match(findAll(lambdaExpr().bind("lambda")), Scope, Ctx)) {
    const auto *Lambda = Node.getNodeAs<LambdaExpr>("lambda");
    for (const LambdaCapture &C : Lambda->captures()) {
      if (!C.capturesVariable() ||
          !llvm::is_contained(Vars, C.getCapturedVar()))
        continue;
      if (C.getCaptureKind() != LCK_ByCopy || lambdaEscapes(Ctx, Lambda))
        return Use::Escapes;
      Result = Use::Read;
      if (Last.isInvalid() || Ctx.getSourceManager().isBeforeInTranslationUnit(
                                  Last, Lambda->getEndLoc()))
        Last = Lambda->getEndLoc();
    }
  }
  return Result;
}

bool isInLoop(ASTContext &Ctx, const Stmt *S, const Stmt *Stop) {
  for (const Stmt *P = parentStmt(Ctx, S); P && P != Stop;
       S = P, P = parentStmt(Ctx, P)) {
    if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(P))
      return true;
  }
  return false;
}

/// Whether \p Record, or a class it is nested in, has a base that depends on
/// a template parameter.
bool hasDependentBase(const CXXRecordDecl *Record) {
  for (; Record; Record = dyn_cast<CXXRecordDecl>(Record->getDeclContext())) {
    if (!Record->hasDefinition())
      continue;
    for (const CXXBaseSpecifier &Base : Record->bases())
      if (Base.getType()->isDependentType())
        return true;
  }
  return false;
}

bool isCoroutine(const FunctionDecl *FD) {
  return FD && FD->getBody() && isa<CoroutineBodyStmt>(FD->getBody());
}

/// "const " before the type and "&" after it: the copy becomes a reference.
void addConstReference(DiagnosticBuilder &Diag, TypeLoc Loc, bool IsConst,
                       const SourceManager &SM, const LangOptions &LangOpts) {
  SourceLocation Begin = Loc.getBeginLoc(), End = Loc.getEndLoc();
  if (Begin.isInvalid() || End.isInvalid() || Begin.isMacroID() ||
      End.isMacroID())
    return;
  if (!IsConst)
    Diag << FixItHint::CreateInsertion(Begin, "const ");
  Diag << FixItHint::CreateInsertion(
      Lexer::getLocForEndOfToken(End, 0, SM, LangOpts), "&");
}

} // namespace

NeedlessCopyCheck::NeedlessCopyCheck(StringRef Name,
                                     tidy::ClangTidyContext *Context)
    : TenureCheck(Name, Context) {}

void NeedlessCopyCheck::registerMatchers(MatchFinder *Finder) {
  limitToUserCode(Finder);
  // Template patterns are checked, instantiations are not: a fix-it edits
  // the one pattern every instantiation shares.
  Finder->addMatcher(functionDecl(isDefinition(), hasBody(stmt()),
                                  unless(isImplicit()),
                                  unless(isInstantiated()))
                         .bind("function"),
                     this);
  Finder->addMatcher(
      cxxForRangeStmt(unless(isInTemplateInstantiation())).bind("loop"), this);
  Finder->addMatcher(
      varDecl(hasLocalStorage(), unless(parmVarDecl()),
              unless(isInstantiated()),
              hasParent(declStmt(hasParent(compoundStmt().bind("scope")))))
          .bind("local"),
      this);
  Finder->addMatcher(
      lambdaExpr(unless(isInTemplateInstantiation())).bind("lambda"), this);
  Finder->addMatcher(
      compoundStmt(unless(isInTemplateInstantiation())).bind("block"), this);
  // Where parameters are copied: the calls (operators aside, whose first
  // argument may be the object).
  Finder->addMatcher(callExpr(unless(cxxOperatorCallExpr())).bind("call"),
                     this);
  // Functions whose address is taken keep their signature.
  Finder->addMatcher(
      declRefExpr(to(functionDecl().bind("referenced"))).bind("function-ref"),
      this);
}

void NeedlessCopyCheck::check(const MatchFinder::MatchResult &Result) {
  ++NeedlessCopyMatches;
  ASTContext &Ctx = *Result.Context;
  if (const auto *Ref = Result.Nodes.getNodeAs<DeclRefExpr>("function-ref")) {
    const Stmt *Callee = climbCasts(Ctx, Ref);
    const auto *Call = dyn_cast_or_null<CallExpr>(parentStmt(Ctx, Callee));
    if (!Call || Call->getCallee() != Callee)
      AddressTaken.insert(Result.Nodes.getNodeAs<FunctionDecl>("referenced")
                              ->getCanonicalDecl());
    return;
  }
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("call")) {
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      Calls[Callee->getCanonicalDecl()].push_back(Call);
    return;
  }
  if (const auto *Fn = Result.Nodes.getNodeAs<FunctionDecl>("function"))
    return checkParameters(*Fn, Ctx);
  if (const auto *Loop = Result.Nodes.getNodeAs<CXXForRangeStmt>("loop"))
    return checkRangeFor(*Loop, Ctx);
  if (const auto *Var = Result.Nodes.getNodeAs<VarDecl>("local"))
    return checkLocal(*Var, *Result.Nodes.getNodeAs<Stmt>("scope"), Ctx);
  if (const auto *Lambda = Result.Nodes.getNodeAs<LambdaExpr>("lambda"))
    return checkLambda(*Lambda, Ctx);
  if (const auto *Block = Result.Nodes.getNodeAs<CompoundStmt>("block"))
    return checkBlock(*Block, Ctx);
}

//===-- By-value parameters
//-------------------------------------------------===//

void NeedlessCopyCheck::checkParameters(const FunctionDecl &Fn,
                                        ASTContext &Ctx) {
  if (Fn.getLocation().isMacroID() || Fn.isDeleted() || Fn.isDefaulted() ||
      Fn.isExternC() || Fn.isMain() || isCoroutine(&Fn))
    return;
  // The signature of a virtual function belongs to its whole hierarchy. A
  // member of a template with a dependent base may override a virtual of
  // that base without saying so (C++03 code has no `override`).
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&Fn)) {
    if (Method->isVirtual() || Method->getParent()->isLambda())
      return;
    if (!Method->isStatic() && !isa<CXXConstructorDecl>(Method) &&
        hasDependentBase(Method->getParent()))
      return;
  }

  // The body and, for a constructor, what initialises members and bases.
  llvm::SmallVector<const Stmt *, 4> Scopes = {Fn.getBody()};
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(&Fn))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->isWritten() && Init->getInit())
        Scopes.push_back(Init->getInit());

  for (unsigned I = 0; I < Fn.getNumParams(); ++I) {
    const ParmVarDecl *Param = Fn.getParamDecl(I);
    QualType Type = Param->getType();
    if (Type->isReferenceType() || !handles().isStrongHandle(Type))
      continue;

    bool Mutated = false;
    std::vector<std::pair<const DeclRefExpr *, Use>> Uses;
    SourceLocation LastCapture;
    for (const Stmt *Scope : Scopes) {
      if (isMutated(Ctx, Param, *Scope) ||
          !constReferenceCompiles(Ctx, Param, *Scope))
        Mutated = true;
      for (const DeclRefExpr *Ref : mentions(Ctx, Param, *Scope))
        Uses.emplace_back(Ref, classifyUse(Ctx, Ref, Scope, handles()));
      if (std::optional<Use> Captured =
              captureUse(Ctx, {Param}, *Scope, LastCapture))
        if (*Captured != Use::Read)
          Mutated = true;
    }
    if (Mutated)
      continue;

    const DeclRefExpr *Stored = nullptr;
    bool PassedOn = false;
    unsigned Stores = 0;
    for (const auto &[Ref, Kind] : Uses) {
      if (Kind == Use::Moved || Kind == Use::Returned || Kind == Use::Escapes)
        PassedOn = true;
      if (Kind == Use::Store) {
        ++Stores;
        Stored = Ref;
      }
    }
    if (PassedOn)
      continue;

    Candidate C{&Fn, I, nullptr};
    const SourceManager &SM = Ctx.getSourceManager();
    bool StoreIsLast =
        Stores == 1 && LastCapture.isInvalid() &&
        llvm::all_of(Uses, [&](const auto &U) {
          return U.first == Stored || U.second == Use::Ignored ||
                 SM.isBeforeInTranslationUnit(U.first->getBeginLoc(),
                                              Stored->getBeginLoc());
        });
    // std::move of a const parameter still copies: a const reference is the
    // advice then.
    if (StoreIsLast && !isInLoop(Ctx, Stored, Fn.getBody()) &&
        !Stored->getBeginLoc().isMacroID() && !Type.isConstQualified())
      C.MoveAt = Stored;
    Candidates.push_back(C);
  }
}

namespace {

/// Strips what climbCasts climbs: implicit conversions and parentheses.
const Expr *belowCasts(const Expr *E) {
  while (true) {
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(E))
      E = Cast->getSubExpr();
    else if (const auto *Paren = dyn_cast<ParenExpr>(E))
      E = Paren->getSubExpr();
    else
      return E;
  }
}

/// The "call" and "function-ref" matches of one system-header declaration,
/// for the functions in \p Wanted: the same nodes the shared walk would
/// have matched there (it visits instantiations and implicit code too).
class SystemUses : public RecursiveASTVisitor<SystemUses> {
public:
  explicit SystemUses(const llvm::DenseSet<const FunctionDecl *> &Wanted)
      : Wanted(Wanted) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }

  bool VisitCallExpr(CallExpr *Call) {
    // A parent is visited before its children: the callee is known when
    // its reference is.
    if (const Expr *Callee = Call->getCallee())
      if (const auto *Ref = dyn_cast<DeclRefExpr>(belowCasts(Callee)))
        Called.insert(Ref);
    if (isa<CXXOperatorCallExpr>(Call))
      return true;
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      if (Wanted.contains(Callee->getCanonicalDecl()))
        Calls.push_back(Call);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *Ref) {
    const auto *Fn = dyn_cast<FunctionDecl>(Ref->getDecl());
    if (Fn && Wanted.contains(Fn->getCanonicalDecl()) && !Called.contains(Ref))
      AddressTaken.insert(Fn->getCanonicalDecl());
    return true;
  }

  std::vector<const CallExpr *> Calls;
  llvm::DenseSet<const FunctionDecl *> AddressTaken;

private:
  const llvm::DenseSet<const FunctionDecl *> &Wanted;
  llvm::DenseSet<const DeclRefExpr *> Called;
};

} // namespace

// The shared walk skipped the system headers' top-level declarations (see
// TenureCheck::limitToUserCode); the keep-alive rule and the notes still
// need the calls made there, from the standard library's templates or a
// header included with -isystem, and a function whose address is taken
// there keeps its signature. So they are walked here, only when a TU has a
// candidate, and only for the candidates' functions. The calls are merged
// in the order the whole walk would have seen them.
void NeedlessCopyCheck::addSystemHeaderUses(ASTContext &Ctx) {
  llvm::DenseSet<const FunctionDecl *> Wanted;
  for (const Candidate &C : Candidates)
    Wanted.insert(C.Fn->getCanonicalDecl());
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<SourceLocation> Begins; // Of the system declarations walked.
  llvm::DenseMap<const FunctionDecl *,
                 std::vector<std::pair<size_t, const CallExpr *>>>
      Found;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    if (!isInSystemHeader(*D))
      continue;
    ++SystemDeclsWalkedForCalls;
    SystemUses Uses(Wanted);
    Uses.TraverseDecl(D);
    AddressTaken.insert(Uses.AddressTaken.begin(), Uses.AddressTaken.end());
    for (const CallExpr *Call : Uses.Calls)
      Found[Call->getDirectCallee()->getCanonicalDecl()].emplace_back(
          Begins.size(), Call);
    Begins.push_back(SM.getExpansionLoc(D->getBeginLoc()));
  }
  // Order key: a call in user code after K system declarations is 2K, a
  // call in the K-th system declaration 2K + 1.
  for (auto &[Callee, InSystem] : Found) {
    std::vector<std::pair<size_t, const CallExpr *>> Keyed;
    for (const CallExpr *Call : Calls[Callee]) {
      SourceLocation At = SM.getExpansionLoc(Call->getBeginLoc());
      size_t Before =
          std::partition_point(Begins.begin(), Begins.end(),
                               [&](SourceLocation Begin) {
                                 return SM.isBeforeInTranslationUnit(Begin, At);
                               }) -
          Begins.begin();
      Keyed.emplace_back(2 * Before, Call);
    }
    for (auto [Index, Call] : InSystem)
      Keyed.emplace_back(2 * Index + 1, Call);
    llvm::stable_sort(Keyed, llvm::less_first());
    std::vector<const CallExpr *> &Merged = Calls[Callee];
    Merged.clear();
    for (auto [Key, Call] : Keyed)
      Merged.push_back(Call);
  }
}

void NeedlessCopyCheck::onEndOfTranslationUnit() {
  if (!Candidates.empty()) {
    ASTContext &Ctx = Candidates.front().Fn->getASTContext();
    if (skipsSystemHeaders(Ctx))
      addSystemHeaderUses(Ctx);
  }
  for (const Candidate &C : Candidates) {
    if (AddressTaken.contains(C.Fn->getCanonicalDecl()))
      continue;
    // A const reference would dangle where the copy is a keep-alive; a move
    // keeps the parameter by value and is always safe.
    if (!C.MoveAt && isKeepAlive(C))
      continue;
    const ParmVarDecl *Param = C.Fn->getParamDecl(C.Param);
    ASTContext &Ctx = C.Fn->getASTContext();
    const SourceManager &SM = Ctx.getSourceManager();
    if (C.MoveAt) {
      // Reported at the parameter, where a reader of the signature looks.
      diagIn(*C.Fn, Param->getLocation(),
             "parameter %0 is copied into storage at its last use; move it "
             "instead of copying the strong handle")
          << Param
          << FixItHint::CreateInsertion(C.MoveAt->getBeginLoc(), "std::move(")
          << FixItHint::CreateInsertion(
                 Lexer::getLocForEndOfToken(C.MoveAt->getEndLoc(), 0, SM,
                                            getLangOpts()),
                 ")");
      noteCopyingCalls(C);
      continue;
    }
    {
      DiagnosticBuilder Diag =
          diagIn(
              *C.Fn, Param->getLocation(),
              "parameter %0 copies a strong handle on every call but is only "
              "read; take it by const reference")
          << (Param->getName().empty() ? "#" + std::to_string(C.Param + 1)
                                       : "'" + Param->getName().str() + "'");
      // Every declaration changes, or the fixed code does not link.
      for (const FunctionDecl *Redecl : C.Fn->redecls()) {
        const ParmVarDecl *P = Redecl->getParamDecl(C.Param);
        if (const TypeSourceInfo *TSI = P->getTypeSourceInfo())
          addConstReference(Diag, TSI->getTypeLoc(),
                            P->getType().isConstQualified(), SM, getLangOpts());
      }
    }
    noteCopyingCalls(C);
  }
  Candidates.clear();
  AddressTaken.clear();
  Calls.clear();
}

/// The keep-alive rule for a by-value parameter: the copy is what keeps the
/// object alive when the callee can drop the caller's handle to it. That is
/// so when the callee (or a function it calls whose body is visible) erases,
/// resets or overwrites something outside its own frame that may hold a
/// handle of the parameter's type, whoever the callers are; and when a call
/// in this TU passes a handle its caller does not own outright (a member, a
/// container element, a global, what a reference or pointer leads to) and
/// the callee runs anything that could release an object (a call with no
/// visible body, a virtual call, a non-const library call, a delete).
bool NeedlessCopyCheck::isKeepAlive(const Candidate &C) {
  ASTContext &Ctx = C.Fn->getASTContext();
  QualType Handle = C.Fn->getParamDecl(C.Param)->getType();
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  if (dropsHandle(*C.Fn, C.Fn->getParamDecl(C.Param), Handle, handles(), Ctx, 3,
                  Seen))
    return true;
  if (!canRelease(*C.Fn, Handle, handles(), Ctx))
    return false;
  for (const CallExpr *Call : Calls.lookup(C.Fn->getCanonicalDecl())) {
    if (C.Param >= Call->getNumArgs())
      continue;
    const Expr *Source = soleArgument(dyn_cast<CXXConstructExpr>(
        Call->getArg(C.Param)->IgnoreImplicitAsWritten()));
    if (Source && Source->IgnoreImplicit()->isLValue() && !isFrameOwned(Source))
      return true;
  }
  return false;
}

// The copies happen at the callers: pointing at them shows where the cost is
// paid, and is where verification mode counts them (tenure-analyze
// --evidence matches those counts to the finding through these notes).
void NeedlessCopyCheck::noteCopyingCalls(const Candidate &C) {
  constexpr size_t MaxNotes = 3;
  size_t Noted = 0;
  for (const CallExpr *Call : Calls.lookup(C.Fn->getCanonicalDecl())) {
    if (C.Param >= Call->getNumArgs() || Call->getBeginLoc().isMacroID())
      continue;
    const Expr *Source = soleArgument(dyn_cast<CXXConstructExpr>(
        Call->getArg(C.Param)->IgnoreImplicitAsWritten()));
    // A copy is made from an lvalue; a temporary or std::move is a move.
    if (!Source || !Source->IgnoreImplicit()->isLValue())
      continue;
    diag(Source->getBeginLoc(), "the handle is copied here",
         DiagnosticIDs::Note);
    if (++Noted == MaxNotes)
      break;
  }
}

//===-- Range-for copies
//----------------------------------------------------===//

void NeedlessCopyCheck::checkRangeFor(const CXXForRangeStmt &Loop,
                                      ASTContext &Ctx) {
  const VarDecl *Var = Loop.getLoopVariable();
  if (!Var || Loop.getBeginLoc().isMacroID() ||
      Var->getType()->isReferenceType())
    return;
  QualType Type = Var->getType();
  bool HoldsHandle = handles().isStrongHandle(Type);
  if (!HoldsHandle) {
    // A pair or tuple copied whole copies the handles in it.
    std::string Template = HandleTypes::templateName(Type);
    if (Template == "std::pair" || Template == "std::tuple")
      if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
              Type->getAsCXXRecordDecl()))
        for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray())
          if (Arg.getKind() == TemplateArgument::Type &&
              handles().isStrongHandle(Arg.getAsType()))
            HoldsHandle = true;
  }
  if (!HoldsHandle)
    return;
  // A range that yields values (a view that makes them) copies nothing.
  const auto *Construct =
      dyn_cast_or_null<CXXConstructExpr>(Var->getInit()->IgnoreImplicit());
  if (!Construct || Construct->getNumArgs() == 0 ||
      !Construct->getArg(0)->isGLValue() ||
      Construct->getConstructor()->isMoveConstructor())
    return;
  if (const auto *Fn =
          dyn_cast_or_null<FunctionDecl>(Var->getParentFunctionOrMethod()))
    if (isCoroutine(Fn))
      return;

  // The variables the body sees: the loop variable or its bindings.
  llvm::SmallVector<const ValueDecl *, 4> Names;
  if (const auto *Decomposition = dyn_cast<DecompositionDecl>(Var))
    for (const BindingDecl *B : Decomposition->bindings())
      Names.push_back(B);
  else
    Names.push_back(Var);

  // Returned on one path or stored again, the copy is still made for every
  // element: bound by const reference, the return or the store makes the
  // one copy it needs. Unless the function returns a reference, which would
  // then refer into the range.
  const auto *Fn =
      dyn_cast_or_null<FunctionDecl>(Var->getParentFunctionOrMethod());
  bool ReturnsReference = true;
  if (Fn) {
    QualType Declared = Fn->getDeclaredReturnType();
    const AutoType *Auto = Declared->getContainedAutoType();
    ReturnsReference =
        Declared->isReferenceType() || (Auto && Auto->isDecltypeAuto());
  }
  const Stmt &Body = *Loop.getBody();
  SourceLocation LastCapture;
  for (const ValueDecl *Name : Names) {
    if (isMutated(Ctx, Name, Body, /*ReturnIsRead=*/true) ||
        !constReferenceCompiles(Ctx, Name, Body))
      return;
    for (const DeclRefExpr *Ref : mentions(Ctx, Name, Body)) {
      Use Kind = classifyUse(Ctx, Ref, &Body, handles());
      if (Kind == Use::Returned && ReturnsReference)
        return;
      if (Kind != Use::Read && Kind != Use::Ignored && Kind != Use::Store &&
          Kind != Use::Returned)
        return;
    }
  }
  if (std::optional<Use> Captured = captureUse(Ctx, Names, Body, LastCapture))
    if (*Captured != Use::Read)
      return;

  // A structured binding is shown as written: '[name, value]'.
  std::string Shown = Var->getName().str();
  if (isa<DecompositionDecl>(Var)) {
    Shown = "[";
    for (const ValueDecl *Name : Names)
      Shown += (Shown.size() > 1 ? ", " : "") + Name->getName().str();
    Shown += "]";
  }
  DiagnosticBuilder Diag =
      diagIn(
          *Var, Var->getLocation(),
          "loop variable %0 copies a strong handle on every iteration but is "
          "only read; bind it by const reference")
      << ("'" + Shown + "'");
  if (const TypeSourceInfo *TSI = Var->getTypeSourceInfo())
    addConstReference(Diag, TSI->getTypeLoc(), Type.isConstQualified(),
                      Ctx.getSourceManager(), getLangOpts());
}

//===-- Copy-initialised locals
//---------------------------------------------===//

namespace {

/// Whether anything from just after \p From up to the end of the statement
/// of \p Scope that holds \p To could drop a handle the program holds.
bool couldDropBetween(SourceLocation From, SourceLocation To, const Stmt &Scope,
                      const HandleTypes &Handles, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  // The whole statement that holds To: a call anywhere in it runs while the
  // copy is still in use.
  SourceLocation End = To;
  if (const auto *Block = dyn_cast<CompoundStmt>(&Scope))
    for (const Stmt *Child : Block->body())
      if (!SM.isBeforeInTranslationUnit(Child->getEndLoc(), To) &&
          !SM.isBeforeInTranslationUnit(To, Child->getBeginLoc())) {
        End = Child->getEndLoc();
        break;
      }
  for (const BoundNodes &Node :
       match(findAll(expr(anyOf(callExpr(), cxxDeleteExpr())).bind("call")),
             Scope, Ctx)) {
    const auto *Call = Node.getNodeAs<Expr>("call");
    SourceLocation At = Call->getBeginLoc();
    if (!SM.isBeforeInTranslationUnit(From, At) ||
        SM.isBeforeInTranslationUnit(End, At))
      continue;
    if (!isHarmlessCall(Call, Handles, Ctx))
      return true;
  }
  return false;
}

bool isFromThis(const Expr *Init) {
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Init)) {
    const CXXMethodDecl *Method = Member->getMethodDecl();
    return Method && Method->getDeclName().isIdentifier() &&
           Method->getName() == "shared_from_this";
  }
  if (const auto *Call = dyn_cast<CallExpr>(Init)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    return Callee && Callee->getDeclName().isIdentifier() &&
           Callee->getName() == "from_this" && Call->getNumArgs() == 1 &&
           isa<CXXThisExpr>(Call->getArg(0)->IgnoreImpCasts());
  }
  return false;
}

// `self->f()`, `*self`, `self.get()`: a use that only reaches the object.
bool onlyCallsThrough(ASTContext &Ctx, const DeclRefExpr *Ref) {
  const Expr *E = climbCasts(Ctx, Ref);
  const Stmt *P = parentStmt(Ctx, E);
  if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P))
    return (Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
           Op->getArg(0) == E;
  if (const auto *Member = dyn_cast_or_null<MemberExpr>(P)) {
    const auto *Call =
        dyn_cast_or_null<CXXMemberCallExpr>(parentStmt(Ctx, Member));
    const CXXMethodDecl *Method = Call ? Call->getMethodDecl() : nullptr;
    return Method && Method->getDeclName().isIdentifier() &&
           Method->getName() == "get";
  }
  return false;
}

} // namespace

void NeedlessCopyCheck::checkLocal(const VarDecl &Var, const Stmt &Scope,
                                   ASTContext &Ctx) {
  QualType Type = Var.getType();
  if (Type->isReferenceType() || !handles().isStrongHandle(Type) ||
      Var.getLocation().isMacroID() || !Var.getInit() || Var.isStaticLocal())
    return;
  if (const auto *Fn =
          dyn_cast_or_null<FunctionDecl>(Var.getParentFunctionOrMethod()))
    if (isCoroutine(Fn))
      return;

  if (checkMoveAtLastUse(Var, Scope, Ctx))
    return;

  const Expr *Init = Var.getInit()->IgnoreImplicit();
  bool FromThis = isFromThis(Init);
  const Expr *Source = nullptr;
  if (!FromThis) {
    const auto *Construct = dyn_cast<CXXConstructExpr>(Init);
    const Expr *Arg = soleArgument(Construct);
    if (!Arg || Construct->getConstructor()->isMoveConstructor() ||
        !Arg->isGLValue())
      return;
    Source = Arg->IgnoreImplicit();
  }

  // How the copy is used.
  if (isMutated(Ctx, &Var, Scope) || !constReferenceCompiles(Ctx, &Var, Scope))
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Last;
  for (const DeclRefExpr *Ref : mentions(Ctx, &Var, Scope)) {
    Use Kind = classifyUse(Ctx, Ref, &Scope, handles());
    if (Kind == Use::Ignored)
      continue;
    if (Kind != Use::Read || (FromThis && !onlyCallsThrough(Ctx, Ref)))
      return;
    if (Last.isInvalid() ||
        SM.isBeforeInTranslationUnit(Last, Ref->getEndLoc()))
      Last = Ref->getEndLoc();
  }
  if (std::optional<Use> Captured = captureUse(Ctx, {&Var}, Scope, Last))
    if (*Captured != Use::Read || FromThis)
      return;
  // An unused copy lives to the end of the scope: a keep-alive if anything
  // in that scope could drop the original.
  if (Last.isInvalid())
    Last = Scope.getEndLoc();

  if (FromThis) {
    if (couldDropBetween(Var.getEndLoc(), Last, Scope, handles(), Ctx))
      return;
    diagIn(Var, Var.getLocation(),
           "%0 takes a strong handle to 'this' only to call "
           "through it; use 'this' directly")
        << &Var;
    return;
  }

  // Where the copy comes from decides what could drop the original.
  bool FrameOwned = false;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Source)) {
    const auto *Original = dyn_cast<VarDecl>(Ref->getDecl());
    if (!Original)
      return;
    if (isMutated(Ctx, Original, Scope))
      return;
    for (const DeclRefExpr *Mention : mentions(Ctx, Original, Scope)) {
      Use Kind = classifyUse(Ctx, Mention, &Scope, handles());
      if (Kind == Use::Moved || Kind == Use::Escapes)
        return;
    }
    FrameOwned =
        Original->hasLocalStorage() && !Original->getType()->isReferenceType();
  } else if (const auto *Member = dyn_cast<MemberExpr>(Source)) {
    if (!isa<FieldDecl>(Member->getMemberDecl()))
      return;
  } else if (const auto *Call = dyn_cast<CallExpr>(Source)) {
    if (!Call->getType().isNull() && !Call->isLValue())
      return;
  } else {
    return;
  }
  // A local copy of a handle the frame owns outright cannot be dropped from
  // elsewhere; anything else can be dropped by whatever code runs while the
  // copy is used: then the copy is a keep-alive.
  if (!FrameOwned &&
      couldDropBetween(Var.getEndLoc(), Last, Scope, handles(), Ctx))
    return;

  DiagnosticBuilder Diag =
      diagIn(Var, Var.getLocation(),
             "local %0 copies a strong handle but is only read while nothing "
             "can drop the original; bind it by const reference")
      << &Var;
  // `Ref<T> a = x, b = y;` shares one type: a fix-it there would change b.
  auto Parents = Ctx.getParents(Var);
  const auto *Statement =
      Parents.empty() ? nullptr : Parents[0].get<DeclStmt>();
  if (Statement && !Statement->isSingleDecl())
    return;
  if (const TypeSourceInfo *TSI = Var.getTypeSourceInfo())
    addConstReference(Diag, TSI->getTypeLoc(), Type.isConstQualified(), SM,
                      getLangOpts());
}

/// A local copied into storage at its last use dies right after: moving it
/// there costs nothing. Not for a const local (a move would copy), nor when
/// a reference, a pointer or a lambda could still reach it, nor inside a
/// loop the local lives outside of.
bool NeedlessCopyCheck::checkMoveAtLastUse(const VarDecl &Var,
                                           const Stmt &Scope, ASTContext &Ctx) {
  if (Var.getType().isConstQualified() || isa<DecompositionDecl>(Var))
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<const DeclRefExpr *> Refs = mentions(Ctx, &Var, Scope);
  const DeclRefExpr *Stored = nullptr;
  for (const DeclRefExpr *Ref : Refs) {
    Use Kind = classifyUse(Ctx, Ref, &Scope, handles());
    if (Kind == Use::Store && !Stored) {
      Stored = Ref;
      continue;
    }
    if (Kind != Use::Read)
      return false;
    // A reference bound to it could be used after the move.
    auto Parents = Ctx.getParents(*climbCasts(Ctx, Ref));
    if (!Parents.empty() && Parents[0].get<VarDecl>())
      return false;
  }
  if (!Stored || Stored->getBeginLoc().isMacroID() ||
      isInLoop(Ctx, Stored, &Scope))
    return false;
  for (const DeclRefExpr *Ref : Refs)
    if (Ref != Stored &&
        !SM.isBeforeInTranslationUnit(Ref->getEndLoc(), Stored->getBeginLoc()))
      return false;
  SourceLocation LastCapture;
  if (captureUse(Ctx, {&Var}, Scope, LastCapture))
    return false;

  diagIn(Var, Stored->getLocation(),
         "local %0 is copied into storage at its last use; move it instead "
         "of copying the strong handle")
      << &Var << FixItHint::CreateInsertion(Stored->getBeginLoc(), "std::move(")
      << FixItHint::CreateInsertion(
             Lexer::getLocForEndOfToken(Stored->getEndLoc(), 0, SM,
                                        getLangOpts()),
             ")");
  return true;
}

//===-- Copies right before the source dies
//---------------------------------===//

namespace {

const Decl *enclosingDecl(ASTContext &Ctx, const Stmt &S) {
  DynTypedNodeList Parents = Ctx.getParents(S);
  while (!Parents.empty()) {
    if (const auto *D = Parents[0].get<Decl>())
      return D;
    Parents = Ctx.getParents(Parents[0]);
  }
  return nullptr;
}

bool sameExpr(const Expr *A, const Expr *B, ASTContext &Ctx) {
  llvm::FoldingSetNodeID IA, IB;
  A->IgnoreParenImpCasts()->Profile(IA, Ctx, /*Canonical=*/true);
  B->IgnoreParenImpCasts()->Profile(IB, Ctx, /*Canonical=*/true);
  return IA == IB;
}

/// The variable or field an lvalue expression starts from
/// (`queue_.front()`, `table[k]`, `it->second`: queue_, table, it).
const Decl *rootOf(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return Ref->getDecl();
    if (const auto *Member = dyn_cast<MemberExpr>(E)) {
      if (isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()))
        return Member->getMemberDecl();
      E = Member->getBase();
    } else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
      E = Call->getImplicitObjectArgument();
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      E = Op->getNumArgs() > 0 ? Op->getArg(0) : nullptr;
    } else if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(E)) {
      E = Subscript->getBase();
    } else if (const auto *Unary = dyn_cast<UnaryOperator>(E)) {
      E = Unary->getSubExpr();
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

llvm::StringRef methodName(const CXXMemberCallExpr *Call) {
  const CXXMethodDecl *Method = Call ? Call->getMethodDecl() : nullptr;
  return Method && Method->getDeclName().isIdentifier() ? Method->getName()
                                                        : "";
}

/// The iterator variable \p Source reads an element through: `*it`,
/// `it->second`.
const VarDecl *iteratorOf(const Expr *Source) {
  const Expr *E = Source->IgnoreParenImpCasts();
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    E = Member->getBase()->IgnoreParenImpCasts();
  const Expr *Iterator = nullptr;
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
        Op->getNumArgs() == 1)
      Iterator = Op->getArg(0);
  } else if (const auto *Unary = dyn_cast<UnaryOperator>(E)) {
    if (Unary->getOpcode() == UO_Deref)
      Iterator = Unary->getSubExpr();
  }
  const auto *Ref = Iterator
                        ? dyn_cast<DeclRefExpr>(Iterator->IgnoreParenImpCasts())
                        : nullptr;
  return Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
}

/// Whether statement \p Next destroys the handle \p Source denotes: pops the
/// element `front()`/`back()`/`top()` read, erases the element an iterator
/// reads, or resets or clears the slot itself.
bool destroys(const Stmt *Next, const Expr *Source, ASTContext &Ctx) {
  const auto *E = dyn_cast<Expr>(Next);
  if (!E)
    return false;
  E = E->IgnoreImplicit();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    if (Op->getOperator() != OO_Equal || Op->getNumArgs() != 2 ||
        !sameExpr(Op->getArg(0), Source, Ctx))
      return false;
    const Expr *Value = Op->getArg(1)->IgnoreImplicit();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Value))
      return Construct->getNumArgs() == 0 ||
             isa<CXXNullPtrLiteralExpr>(Construct->getArg(0)->IgnoreImplicit());
    return isa<CXXNullPtrLiteralExpr, InitListExpr>(Value);
  }
  const auto *Call = dyn_cast<CXXMemberCallExpr>(E);
  if (!Call)
    return false;
  llvm::StringRef Name = methodName(Call);
  const Expr *Object = Call->getImplicitObjectArgument();
  if (!Object)
    return false;
  if ((Name == "reset" || Name == "clear") && Call->getNumArgs() == 0)
    return sameExpr(Object, Source, Ctx);
  const auto *Read = dyn_cast<CXXMemberCallExpr>(Source->IgnoreParenImpCasts());
  llvm::StringRef Reader = methodName(Read);
  if (Read && Call->getNumArgs() == 0 &&
      ((Reader == "front" && (Name == "pop_front" || Name == "pop")) ||
       (Reader == "back" && Name == "pop_back") ||
       (Reader == "top" && Name == "pop")))
    return sameExpr(Object, Read->getImplicitObjectArgument(), Ctx);
  if (Name == "erase" && Call->getNumArgs() == 1)
    if (const VarDecl *Iterator = iteratorOf(Source)) {
      const auto *Ref = dyn_cast<DeclRefExpr>(
          Call->getArg(0)->IgnoreImplicit()->IgnoreParenImpCasts());
      if (const auto *Construct =
              dyn_cast<CXXConstructExpr>(Call->getArg(0)->IgnoreImplicit()))
        if (Construct->getNumArgs() == 1)
          Ref = dyn_cast<DeclRefExpr>(
              Construct->getArg(0)->IgnoreParenImpCasts());
      return Ref && Ref->getDecl() == Iterator;
    }
  return false;
}

} // namespace

/// What statement \p S copies a strong handle from, as written: the right
/// side of a copy assignment, the argument a container stores, the
/// initializer of a copied local; or null.
const Expr *NeedlessCopyCheck::copiedFrom(const Stmt *S) const {
  if (const auto *Decls = dyn_cast<DeclStmt>(S)) {
    const auto *Var = Decls->isSingleDecl()
                          ? dyn_cast<VarDecl>(Decls->getSingleDecl())
                          : nullptr;
    if (!Var || !Var->getInit() || Var->getType()->isReferenceType() ||
        !handles().isStrongHandle(Var->getType()))
      return nullptr;
    const auto *Construct =
        dyn_cast<CXXConstructExpr>(Var->getInit()->IgnoreImplicit());
    const Expr *Arg = soleArgument(Construct);
    return Arg && Construct->getConstructor()->isCopyConstructor() ? Arg
                                                                   : nullptr;
  }
  const auto *E = dyn_cast<Expr>(S);
  if (!E)
    return nullptr;
  E = E->IgnoreImplicit();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee());
    if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 && Method &&
        Method->isCopyAssignmentOperator() &&
        handles().isStrongHandle(Op->getArg(0)->getType()))
      return Op->getArg(1)->IgnoreImplicit();
    return nullptr;
  }
  const auto *Call = dyn_cast<CXXMemberCallExpr>(E);
  if (!Call || Call->getNumArgs() != 1 ||
      !storesItsArgument(methodName(Call)) ||
      elementTakesItByConstReference(Call, 0, handles()))
    return nullptr;
  const Expr *Arg = Call->getArg(0)->IgnoreImplicit();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Arg)) {
    if (!Construct->getConstructor()->isCopyConstructor())
      return nullptr;
    Arg = soleArgument(Construct)->IgnoreImplicit();
  }
  if (!Arg->isLValue() || !handles().isStrongHandle(Arg->getType()))
    return nullptr;
  // Moving an element into its own container breaks the library's
  // assumption that an rvalue argument is not one of its elements.
  if (rootOf(Arg) && rootOf(Arg) == rootOf(Call->getImplicitObjectArgument()))
    return nullptr;
  return Arg;
}

void NeedlessCopyCheck::checkBlock(const CompoundStmt &Block, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  const Stmt *const *Body = Block.body_begin();
  for (unsigned I = 0; I + 1 < Block.size(); ++I) {
    const Stmt *Copy = Body[I], *Next = Body[I + 1];
    if (Copy->getBeginLoc().isMacroID() || Next->getBeginLoc().isMacroID())
      continue;
    const Expr *From = copiedFrom(Copy);
    if (!From || !From->isLValue() || From->getBeginLoc().isMacroID())
      continue;
    const Expr *Source = From->IgnoreParenImpCasts();
    // Through a reference bound to the element: the element is what dies.
    const VarDecl *Alias = nullptr;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Source)) {
      Alias = dyn_cast<VarDecl>(Ref->getDecl());
      if (!Alias || !Alias->getType()->isLValueReferenceType() ||
          !Alias->getInit() || !Alias->hasLocalStorage())
        continue;
      Source = Alias->getInit()->IgnoreParenImpCasts();
    }
    // A move from a const element would copy.
    if (Source->getType().isConstQualified() ||
        (Alias && Alias->getType()->getPointeeType().isConstQualified()) ||
        !destroys(Next, Source, Ctx))
      continue;
    if (Alias) {
      // The reference must not be used again, and nothing between its
      // binding and the copy may touch what it was bound from (the element
      // the next statement destroys must still be the one it names).
      const auto *Fn =
          dyn_cast_or_null<FunctionDecl>(Alias->getParentFunctionOrMethod());
      if (!Fn || !Fn->getBody())
        continue;
      bool Reused = false;
      for (const DeclRefExpr *Mention : mentions(Ctx, Alias, *Fn->getBody()))
        if (SM.isBeforeInTranslationUnit(From->getEndLoc(),
                                         Mention->getBeginLoc()))
          Reused = true;
      const Decl *Root = rootOf(Source);
      if (!Root || Reused)
        continue;
      for (const BoundNodes &Node :
           match(findAll(expr(anyOf(declRefExpr(to(decl(equalsNode(Root)))),
                                    memberExpr(member(equalsNode(Root)))))
                             .bind("touch")),
                 *Fn->getBody(), Ctx)) {
        SourceLocation At = Node.getNodeAs<Expr>("touch")->getBeginLoc();
        if (SM.isBeforeInTranslationUnit(Alias->getEndLoc(), At) &&
            SM.isBeforeInTranslationUnit(At, Copy->getEndLoc()))
          Reused = true;
      }
      if (Reused)
        continue;
    }
    const Decl *In = enclosingDecl(Ctx, Block);
    if (!In)
      continue;
    diagIn(*In, From->getBeginLoc(),
           "the strong handle is copied from %0 that the next statement "
           "destroys; move it instead")
        << (Alias || !isa<MemberExpr, DeclRefExpr>(Source) ? "an element"
                                                           : "a handle")
        << FixItHint::CreateInsertion(From->getBeginLoc(), "std::move(")
        << FixItHint::CreateInsertion(
               Lexer::getLocForEndOfToken(From->getEndLoc(), 0, SM,
                                          getLangOpts()),
               ")");
  }
}

//===-- Lambdas that never escape
//-------------------------------------------===//

void NeedlessCopyCheck::checkLambda(const LambdaExpr &Lambda, ASTContext &Ctx) {
  if (Lambda.getBeginLoc().isMacroID() || Lambda.isMutable() ||
      lambdaEscapes(Ctx, &Lambda))
    return;
  const Stmt &Body = *Lambda.getBody();
  for (const LambdaCapture &C : Lambda.captures()) {
    if (!C.capturesVariable() || C.getCaptureKind() != LCK_ByCopy ||
        Lambda.isInitCapture(&C))
      continue;
    const auto *Var = dyn_cast<VarDecl>(C.getCapturedVar());
    if (!Var || !Var->hasLocalStorage() || Var->getType()->isReferenceType() ||
        !handles().isStrongHandle(Var->getType()))
      continue;
    bool OnlyRead = true;
    for (const DeclRefExpr *Ref : mentions(Ctx, Var, Body)) {
      Use Kind = classifyUse(Ctx, Ref, &Body, handles());
      if (Kind != Use::Read && Kind != Use::Ignored)
        OnlyRead = false;
    }
    SourceLocation Last;
    if (std::optional<Use> Nested = captureUse(Ctx, {Var}, Body, Last))
      if (*Nested != Use::Read)
        OnlyRead = false;
    if (!OnlyRead)
      continue;
    DiagnosticBuilder Diag =
        diagIn(*Var, C.getLocation(),
               "lambda captures the strong handle %0 by copy "
               "but never escapes; capture it by reference")
        << Var;
    if (C.isExplicit() && !C.getLocation().isMacroID())
      Diag << FixItHint::CreateInsertion(C.getLocation(), "&");
  }
}

} // namespace tenure::checks
