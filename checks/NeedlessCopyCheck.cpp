//===- NeedlessCopyCheck.cpp - tenure-needless-copy -----------------------===//

#include "checks/NeedlessCopyCheck.h"

#include "checks/SourceLocations.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/Analyses/ExprMutationAnalyzer.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace tenure::analyzer;

namespace tenure::checks {
namespace {

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

// Member functions through which a container keeps what it is given.
const llvm::StringSet<> &storingMethods() {
  static const llvm::StringSet<> Names = {
      "push_back", "push_front", "emplace_back", "emplace_front", "emplace",
      "emplace_hint", "insert", "try_emplace", "insert_or_assign", "push",
      "assign"};
  return Names;
}

// Standard functions that call a callable they are given and keep no copy
// of it once they return.
const llvm::StringSet<> &nonRetainingAlgorithms() {
  static const llvm::StringSet<> Names = {
      "for_each", "for_each_n", "transform", "find_if", "find_if_not",
      "count_if", "any_of", "all_of", "none_of", "remove_if", "remove_copy_if",
      "copy_if", "replace_if", "sort", "stable_sort", "partial_sort",
      "nth_element", "partition", "stable_partition", "is_partitioned",
      "min_element", "max_element", "minmax_element", "adjacent_find",
      "equal", "mismatch", "lower_bound", "upper_bound", "equal_range",
      "binary_search", "unique", "is_sorted", "generate", "generate_n",
      "accumulate", "reduce", "transform_reduce", "inner_product", "erase_if",
      "invoke", "apply", "visit", "search", "find_end", "includes"};
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

/// What the mention \p Ref of a variable does with it; \p Scope bounds the
/// walk up the tree.
Use classifyUse(ASTContext &Ctx, const DeclRefExpr *Ref, const Stmt *Scope) {
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
    return Use::Store;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P)) {
    if (Op->isAssignmentOp() && Op->getNumArgs() == 2 && Op->getArg(1) == E)
      return Use::Store;
    return Use::Read;
  }
  if (const auto *Call = dyn_cast<CallExpr>(P)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (isStdFunction(Callee, "move") || isStdFunction(Callee, "forward") ||
        isStdFunction(Callee, "exchange") || isStdFunction(Callee, "swap"))
      return Use::Moved;
    if (Callee && Callee->getDeclName().isIdentifier() &&
        storingMethods().contains(Callee->getName()) &&
        llvm::is_contained(Call->arguments(), E))
      return Use::Store;
  }
  return Use::Read;
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

/// Whether any mention of \p D in \p Scope may change it. In a template,
/// `handle->member` is a dependent member access the analyzer cannot see
/// through; a handle's operator-> is const, so it is a read.
bool isMutated(ASTContext &Ctx, const ValueDecl *D, const Stmt &Scope) {
  ExprMutationAnalyzer Analyzer(Scope, Ctx);
  for (const DeclRefExpr *Ref : mentions(Ctx, D, Scope)) {
    const auto *Member =
        dyn_cast_or_null<CXXDependentScopeMemberExpr>(parentStmt(Ctx, Ref));
    if (Member && Member->isArrow() && Member->getBase() == Ref)
      continue;
    if (Analyzer.findMutation(Ref))
      return true;
  }
  return false;
}

/// How the lambdas in \p Scope capture any of \p Vars: the strongest use.
/// A copy into a lambda that never escapes is a read; a reference capture or
/// an escaping lambda lets the handle outlive what we can see.
std::optional<Use> captureUse(ASTContext &Ctx, llvm::ArrayRef<const ValueDecl *> Vars,
                              const Stmt &Scope, SourceLocation &Last) {
  std::optional<Use> Result;
  for (const BoundNodes &Node :
       match(findAll(lambdaExpr().bind("lambda")), Scope, Ctx)) {
    const auto *Lambda = Node.getNodeAs<LambdaExpr>("lambda");
    for (const LambdaCapture &C : Lambda->captures()) {
      if (!C.capturesVariable() || !llvm::is_contained(Vars, C.getCapturedVar()))
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
  // Template patterns are checked, instantiations are not: a fix-it edits
  // the one pattern every instantiation shares.
  Finder->addMatcher(
      functionDecl(isDefinition(), hasBody(stmt()), unless(isImplicit()),
                   unless(isInstantiated()))
          .bind("function"),
      this);
  Finder->addMatcher(cxxForRangeStmt(unless(isInTemplateInstantiation()))
                         .bind("loop"),
                     this);
  Finder->addMatcher(
      varDecl(hasLocalStorage(), unless(parmVarDecl()), unless(isInstantiated()),
              hasParent(declStmt(hasParent(compoundStmt().bind("scope")))))
          .bind("local"),
      this);
  Finder->addMatcher(
      lambdaExpr(unless(isInTemplateInstantiation())).bind("lambda"), this);
  // Where parameters are copied: the calls (operators aside, whose first
  // argument may be the object).
  Finder->addMatcher(callExpr(unless(cxxOperatorCallExpr())).bind("call"),
                     this);
  // Functions whose address is taken keep their signature.
  Finder->addMatcher(declRefExpr(to(functionDecl().bind("referenced")))
                         .bind("function-ref"),
                     this);
}

void NeedlessCopyCheck::check(const MatchFinder::MatchResult &Result) {
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
}

//===-- By-value parameters -------------------------------------------------===//

void NeedlessCopyCheck::checkParameters(const FunctionDecl &Fn,
                                        ASTContext &Ctx) {
  if (Fn.getLocation().isMacroID() || Fn.isDeleted() || Fn.isDefaulted() ||
      Fn.isExternC() || Fn.isMain() || isCoroutine(&Fn))
    return;
  // The signature of a virtual function belongs to its whole hierarchy.
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&Fn))
    if (Method->isVirtual() || Method->getParent()->isLambda())
      return;

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
      if (isMutated(Ctx, Param, *Scope))
        Mutated = true;
      for (const DeclRefExpr *Ref : mentions(Ctx, Param, *Scope))
        Uses.emplace_back(Ref, classifyUse(Ctx, Ref, Scope));
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
    if (StoreIsLast && !isInLoop(Ctx, Stored, Fn.getBody()) &&
        !Stored->getBeginLoc().isMacroID())
      C.MoveAt = Stored;
    Candidates.push_back(C);
  }
}

void NeedlessCopyCheck::onEndOfTranslationUnit() {
  for (const Candidate &C : Candidates) {
    if (AddressTaken.contains(C.Fn->getCanonicalDecl()))
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
          diagIn(*C.Fn, Param->getLocation(),
               "parameter %0 copies a strong handle on every call but is only "
               "read; take it by const reference")
          << (Param->getName().empty()
                  ? "#" + std::to_string(C.Param + 1)
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

//===-- Range-for copies ----------------------------------------------------===//

void NeedlessCopyCheck::checkRangeFor(const CXXForRangeStmt &Loop,
                                      ASTContext &Ctx) {
  const VarDecl *Var = Loop.getLoopVariable();
  if (!Var || Loop.getBeginLoc().isMacroID() || Var->getType()->isReferenceType())
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
  if (const auto *Fn = dyn_cast_or_null<FunctionDecl>(
          Var->getParentFunctionOrMethod()))
    if (isCoroutine(Fn))
      return;

  // The variables the body sees: the loop variable or its bindings.
  llvm::SmallVector<const ValueDecl *, 4> Names;
  if (const auto *Decomposition = dyn_cast<DecompositionDecl>(Var))
    for (const BindingDecl *B : Decomposition->bindings())
      Names.push_back(B);
  else
    Names.push_back(Var);

  const Stmt &Body = *Loop.getBody();
  ExprMutationAnalyzer Mutations(Body, Ctx);
  SourceLocation LastCapture;
  for (const ValueDecl *Name : Names) {
    if (Mutations.isMutated(Name))
      return;
    for (const DeclRefExpr *Ref : mentions(Ctx, Name, Body)) {
      Use Kind = classifyUse(Ctx, Ref, &Body);
      if (Kind != Use::Read && Kind != Use::Ignored)
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
      diagIn(*Var, Var->getLocation(),
           "loop variable %0 copies a strong handle on every iteration but is "
           "only read; bind it by const reference")
      << ("'" + Shown + "'");
  if (const TypeSourceInfo *TSI = Var->getTypeSourceInfo())
    addConstReference(Diag, TSI->getTypeLoc(), Type.isConstQualified(),
                      Ctx.getSourceManager(), getLangOpts());
}

//===-- Copy-initialised locals ---------------------------------------------===//

namespace {

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
  auto Effects = match(
      findAll(expr(anyOf(callExpr(), cxxDeleteExpr(),
                         cxxConstructExpr(hasDeclaration(
                             cxxConstructorDecl(isUserProvided())))))
                  .bind("effect")),
      *Definition->getBody(), Ctx);
  return Effects.empty();
}

/// Whether anything from just after \p From up to the end of the statement
/// of \p Scope that holds \p To could drop a handle the program holds.
bool couldDropBetween(SourceLocation From, SourceLocation To,
                      const Stmt &Scope, const HandleTypes &Handles,
                      ASTContext &Ctx) {
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
    const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(parentStmt(Ctx, Member));
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
  ExprMutationAnalyzer Mutations(Scope, Ctx);
  if (Mutations.isMutated(&Var))
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Last;
  for (const DeclRefExpr *Ref : mentions(Ctx, &Var, Scope)) {
    Use Kind = classifyUse(Ctx, Ref, &Scope);
    if (Kind == Use::Ignored)
      continue;
    if (Kind != Use::Read || (FromThis && !onlyCallsThrough(Ctx, Ref)))
      return;
    if (Last.isInvalid() || SM.isBeforeInTranslationUnit(Last, Ref->getEndLoc()))
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
    diagIn(Var, Var.getLocation(), "%0 takes a strong handle to 'this' only to call "
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
    if (Mutations.isMutated(Original))
      return;
    for (const DeclRefExpr *Mention : mentions(Ctx, Original, Scope)) {
      Use Kind = classifyUse(Ctx, Mention, &Scope);
      if (Kind == Use::Moved || Kind == Use::Escapes)
        return;
    }
    FrameOwned = Original->hasLocalStorage() &&
                 !Original->getType()->isReferenceType();
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
  const auto *Statement = Parents.empty() ? nullptr : Parents[0].get<DeclStmt>();
  if (Statement && !Statement->isSingleDecl())
    return;
  if (const TypeSourceInfo *TSI = Var.getTypeSourceInfo())
    addConstReference(Diag, TSI->getTypeLoc(), Type.isConstQualified(), SM,
                      getLangOpts());
}

//===-- Lambdas that never escape -------------------------------------------===//

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
      Use Kind = classifyUse(Ctx, Ref, &Body);
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
        diagIn(*Var, C.getLocation(), "lambda captures the strong handle %0 by copy "
                              "but never escapes; capture it by reference")
        << Var;
    if (C.isExplicit() && !C.getLocation().isMacroID())
      Diag << FixItHint::CreateInsertion(C.getLocation(), "&");
  }
}

} // namespace tenure::checks
