//===- FactCollector.cpp - Ownership facts of one AST ---------------------===//
//
// Two visitors: the top-level one records types and their fields; for every
// function body a BodyAnalyzer first learns which locals hold a self-handle,
// a lambda, or a value reached from another local, then records the stores
// into handle-holding fields and the calls that hand a self-handle or a
// capturing lambda to another function.
//
//===----------------------------------------------------------------------===//

#include "analyzer/ast/FactCollector.h"

#include "analyzer/ast/SourceFacts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ASTLambda.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace tenure::analyzer {
namespace {



bool isStdCall(const CallExpr *Call, llvm::StringRef Name) {
  const auto *Callee = dyn_cast_or_null<FunctionDecl>(Call->getCalleeDecl());
  return Callee && Callee->isInStdNamespace() && Callee->getIdentifier() &&
         Callee->getName() == Name && Call->getNumArgs() == 1;
}

// One layer of wrapping that does not change which object a handle denotes:
// temporaries, copies and conversions of handles, std::move/forward.
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

bool isThis(const Expr *E) {
  return E && isa<CXXThisExpr>(ignoreWrappers(E));
}

// A field written through `Base.Field` or `Base->Field`.
struct FieldAccess {
  const FieldDecl *Field = nullptr;
  const MemberExpr *Member = nullptr;
  const Expr *Base = nullptr;
};

// The field a getter returns by reference: `T& f() { return field_; }`.
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

FieldAccess fieldAccess(const Expr *E) {
  E = ignoreWrappers(E);
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(E))
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return {FD, ME, ME->getBase()};
  // A handle behind a getter returning a reference is the field itself.
  if (const auto *MCE = dyn_cast_or_null<CXXMemberCallExpr>(E))
    if (const FieldDecl *FD = returnedField(MCE->getMethodDecl()))
      return {FD, nullptr, MCE->getImplicitObjectArgument()};
  return {};
}

// The variable an expression starts from: `v`, `v->a.b`, `v.get()`, `*v`.
const VarDecl *rootVariable(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = ignoreWrappers(E);
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<VarDecl>(DRE->getDecl());
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      E = ME->getBase();
      continue;
    }
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E)) {
      if (MCE->getNumArgs() != 0)
        return nullptr;
      E = MCE->getImplicitObjectArgument();
      continue;
    }
    if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (OCE->getOperator() != OO_Arrow && OCE->getOperator() != OO_Star)
        return nullptr;
      E = OCE->getArg(0);
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_Deref)
        return nullptr;
      E = UO->getSubExpr();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

// The fields from `this` to the object \p Base denotes, when it is reached
// from `this` at all: `owner_->list` gives {"Self::owner_"}.
std::vector<std::string> fieldsFromThis(const Expr *Base) {
  std::vector<std::string> Fields;
  for (unsigned Depth = 0; Base && Depth < 8; ++Depth) {
    Base = ignoreWrappers(Base);
    if (isa_and_nonnull<CXXThisExpr>(Base)) {
      std::reverse(Fields.begin(), Fields.end());
      return Fields;
    }
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(Base)) {
      const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
      const auto *Owner =
          Field ? dyn_cast<CXXRecordDecl>(Field->getParent()) : nullptr;
      if (!Owner)
        return {};
      Fields.push_back(recordName(Owner) + "::" + Field->getNameAsString());
      Base = ME->getBase();
    } else if (const auto *OCE = dyn_cast_or_null<CXXOperatorCallExpr>(Base)) {
      if (OCE->getOperator() != OO_Arrow && OCE->getOperator() != OO_Star)
        return {};
      Base = OCE->getArg(0);
    } else if (const auto *MCE = dyn_cast_or_null<CXXMemberCallExpr>(Base)) {
      if (MCE->getNumArgs() != 0)
        return {};
      Base = MCE->getImplicitObjectArgument();
    } else {
      return {};
    }
  }
  return {};
}

const VarDecl *bareVariable(const Expr *E) {
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(ignoreWrappers(E)))
    return dyn_cast<VarDecl>(DRE->getDecl());
  return nullptr;
}

// The object a member access goes through, when it is a variable itself:
// `v->f`, `(*v).f`, `v.get()->f`, but not `v->next->f`.
const VarDecl *accessedVariable(const Expr *Base) {
  for (unsigned Depth = 0; Base && Depth < 4; ++Depth) {
    Base = ignoreWrappers(Base);
    if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(Base)) {
      if (OCE->getOperator() != OO_Arrow && OCE->getOperator() != OO_Star)
        return nullptr;
      Base = OCE->getArg(0);
    } else if (const auto *UO = dyn_cast<UnaryOperator>(Base)) {
      if (UO->getOpcode() != UO_Deref)
        return nullptr;
      Base = UO->getSubExpr();
    } else if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(Base)) {
      if (MCE->getNumArgs() != 0 || !MCE->getMethodDecl() ||
          !MCE->getMethodDecl()->getIdentifier() ||
          MCE->getMethodDecl()->getName() != "get")
        return nullptr;
      Base = MCE->getImplicitObjectArgument();
    } else {
      return bareVariable(Base);
    }
  }
  return nullptr;
}

// A value that empties a handle: nullptr, {}, or a default-constructed one.
bool isNullValue(const Expr *E) {
  E = ignoreWrappers(E);
  if (!E)
    return false;
  if (isa<CXXNullPtrLiteralExpr>(E) || isa<GNUNullExpr>(E))
    return true;
  if (const auto *Init = dyn_cast<InitListExpr>(E))
    return Init->getNumInits() == 0;
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E))
    return Construct->getNumArgs() == 0;
  return false;
}

const llvm::StringSet<> &insertingMethods() {
  static const llvm::StringSet<> Names = {
      "push_back", "push_front",  "emplace_back",     "emplace_front",
      "emplace",   "emplace_hint", "insert",          "insert_or_assign",
      "try_emplace", "push",       "assign",          "reset"};
  return Names;
}

const llvm::StringSet<> &factoryFunctions() {
  static const llvm::StringSet<> Names = {"make", "make_shared", "make_unique",
                                          "make_ref", "MakeRefCounted"};
  return Names;
}

// Uses of a strong field in this TU, to decide whether turning it weak is a
// mechanical change and to rewrite its reads with `.lock()`.
struct FieldUses {
  llvm::SmallVector<const MemberExpr *, 4> Reads;
  bool Unfixable = false;
};

class Collector;

class BodyAnalyzer : public RecursiveASTVisitor<BodyAnalyzer> {
public:
  BodyAnalyzer(Collector &C, const FunctionDecl *FD,
               const CXXRecordDecl *ThisClass)
      : C(C), FD(FD), ThisClass(ThisClass) {}

  void run();
  void emitStore(const FieldAccess &Target, bool IntoThis, const Expr *Value,
                 SourceLocation Loc);
  void emitClear(const FieldDecl *Field, SourceLocation Loc);

  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; }
  bool VisitVarDecl(VarDecl *VD);
  bool VisitBinaryOperator(BinaryOperator *BO);
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OCE);
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MCE);
  bool VisitCallExpr(CallExpr *CE);
  bool VisitCXXConstructExpr(CXXConstructExpr *CE);
  bool VisitMemberExpr(MemberExpr *ME);

private:
  enum class Pass { Learn, Record };

  void learnAssignment(const Expr *LHS, const Expr *RHS);
  FieldAccess writtenField(const Expr *LHS) const;
  bool isSelfHandle(const Expr *E) const;
  bool holdsSelf(const VarDecl *Var, const Expr *Init) const;
  const LambdaExpr *lambdaOf(const Expr *E) const;
  std::optional<unsigned> paramIndex(const Expr *E) const;
  void describeLambda(const LambdaExpr *LE, std::vector<std::string> &Captures,
                      bool &CapturesSelf) const;
  bool reachedFrom(const VarDecl *From, const VarDecl *Start) const;
  void recordCall(const FunctionDecl *Callee, unsigned ArgOffset,
                  llvm::ArrayRef<const Expr *> Args, bool OnThis,
                  SourceLocation Loc);
  std::string selfTypeName() const;

  Collector &C;
  const FunctionDecl *FD;
  const CXXRecordDecl *ThisClass;
  const bool InTrace = FD && FD->getIdentifier() && FD->getName() == "trace";
  Pass Phase = Pass::Learn;
  llvm::SmallPtrSet<const VarDecl *, 8> SelfVars;
  llvm::DenseMap<const VarDecl *, const LambdaExpr *> LambdaVars;
  // `auto &slot = obj->field;`: writing slot writes the field.
  llvm::DenseMap<const VarDecl *, FieldAccess> FieldAliases;
  llvm::DenseMap<const VarDecl *, llvm::SmallPtrSet<const VarDecl *, 4>>
      DerivedFrom;
  // Stores "Base->f = Value" between two locals, for the mutual-store rule.
  struct VarStore {
    const VarDecl *Base;
    const VarDecl *Value;
    size_t Index;
  };
  std::vector<VarStore> VarStores;
};

class Collector : public RecursiveASTVisitor<Collector> {
public:
  Collector(ASTContext &Ctx, const HandleTypes &Handles)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Handles(Handles) {}

  bool shouldVisitTemplateInstantiations() const { return true; }

  // Declarations only: bodies are the BodyAnalyzer's, and nothing in system
  // headers becomes a fact. Skipping both keeps the walk small next to the
  // parse.
  bool TraverseStmt(Stmt *) { return true; }
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitCXXRecordDecl(CXXRecordDecl *RD);
  bool VisitFunctionDecl(FunctionDecl *FD);
  Facts finish();

  bool inSystemHeader(SourceLocation L) const {
    return L.isInvalid() || SM.isInSystemHeader(SM.getExpansionLoc(L));
  }
  bool isGraphRecord(const CXXRecordDecl *RD) const {
    return RD && !RD->isLambda() && !RD->isAnonymousStructOrUnion() &&
           !RD->isDependentType() && !isLibraryRecord(RD);
  }
  /// The records field \p FD holds, or empty when it holds nothing of interest.
  const std::vector<Held> &heldBy(const FieldDecl *FD) {
    auto [It, Inserted] = HeldCache.try_emplace(FD);
    if (Inserted)
      It->second = Handles.held(FD->getType());
    return It->second;
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const HandleTypes &Handles;
  Facts Out;
  llvm::DenseMap<const FieldDecl *, FieldUses> Uses;
  llvm::DenseSet<const MemberExpr *> StoredThrough;

private:
  std::vector<Replacement> weakFix(const FieldDecl *Field);
  Replacement replacement(SourceLocation Begin, unsigned Length,
                          std::string Text) const;

  llvm::DenseMap<const FieldDecl *, std::vector<Held>> HeldCache;
  llvm::DenseSet<const Decl *> SeenFunctions;
  llvm::SmallVector<std::pair<const FieldDecl *, size_t>, 16> StrongFields;
};

//===-- BodyAnalyzer ------------------------------------------------------===//

void BodyAnalyzer::run() {
  const Stmt *Body = FD ? FD->getBody() : nullptr;
  const auto *Ctor = dyn_cast_or_null<CXXConstructorDecl>(FD);
  for (Pass P : {Pass::Learn, Pass::Record}) {
    Phase = P;
    if (Ctor)
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (Init->isWritten() && Init->isMemberInitializer()) {
          if (P == Pass::Learn)
            TraverseStmt(Init->getInit());
          else
            emitStore({Init->getMember(), nullptr, nullptr}, /*IntoThis=*/true,
                      Init->getInit(), Init->getSourceLocation());
        }
    if (Body)
      TraverseStmt(const_cast<Stmt *>(Body));
  }
  // Two locals stored into each other (`a->next = b; b->prev = a;`) close a
  // loop that neither store closes alone; the second store is where.
  for (const VarStore &First : VarStores)
    for (const VarStore &Second : VarStores)
      if (First.Index < Second.Index && First.Base == Second.Value &&
          First.Value == Second.Base) {
        const StoreFact &Earlier = C.Out.Stores[First.Index];
        StoreFact &Later = C.Out.Stores[Second.Index];
        if (Later.Closes)
          continue;
        Later.Closes = true;
        Later.IntoOtherObject = true;
        Later.ClosesWith = Earlier.Owner + "::" + Earlier.Field;
      }
}

std::string BodyAnalyzer::selfTypeName() const {
  return ThisClass ? recordName(ThisClass) : std::string();
}

// A variable holds a strong self-handle: a weak_ptr made from
// shared_from_this() is the usual fix, not a self-handle.
bool BodyAnalyzer::holdsSelf(const VarDecl *Var, const Expr *Init) const {
  return Init && C.Handles.isStrong(Var->getType().getNonReferenceType()) &&
         isSelfHandle(Init);
}

bool BodyAnalyzer::isSelfHandle(const Expr *E) const {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        return SelfVars.contains(VD);
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      if (C.Handles.isStrong(Call->getType())) {
        if (const auto *Callee = Call->getDirectCallee())
          if (Callee->getIdentifier() && Callee->getName() == "shared_from_this")
            return true;
        for (const Expr *Arg : Call->arguments())
          if (isThis(Arg))
            return true;
      }
      // weak_from_this().lock()
      if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(Call))
        if (const auto *Method = MCE->getMethodDecl())
          if (Method->getIdentifier() && Method->getName() == "lock")
            if (const auto *Inner = dyn_cast<CallExpr>(
                    ignoreWrappers(MCE->getImplicitObjectArgument())))
              if (const auto *InnerCallee = Inner->getDirectCallee())
                if (InnerCallee->getIdentifier() &&
                    InnerCallee->getName() == "weak_from_this")
                  return true;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
      if (C.Handles.isStrong(CE->getType()))
        for (const Expr *Arg : CE->arguments())
          if (isThis(Arg))
            return true;
    E = unwrapOnce(E);
  }
  return false;
}

const LambdaExpr *BodyAnalyzer::lambdaOf(const Expr *E) const {
  E = ignoreWrappers(E);
  if (const auto *LE = dyn_cast_or_null<LambdaExpr>(E))
    return LE;
  if (const VarDecl *VD = bareVariable(E))
    return LambdaVars.lookup(VD);
  return nullptr;
}

std::optional<unsigned> BodyAnalyzer::paramIndex(const Expr *E) const {
  const auto *Param = dyn_cast_or_null<ParmVarDecl>(bareVariable(E));
  if (!Param || !FD)
    return std::nullopt;
  for (unsigned I = 0; I < FD->getNumParams(); ++I)
    if (FD->getParamDecl(I) == Param)
      return I;
  return std::nullopt;
}

void BodyAnalyzer::describeLambda(const LambdaExpr *LE,
                                  std::vector<std::string> &Captures,
                                  bool &CapturesSelf) const {
  for (const LambdaCapture &Capture : LE->captures()) {
    if (!Capture.capturesVariable() || Capture.getCaptureKind() != LCK_ByCopy)
      continue;
    const auto *Var = dyn_cast<VarDecl>(Capture.getCapturedVar());
    if (!Var)
      continue;
    bool Self = SelfVars.contains(Var) ||
                (Var->isInitCapture() && holdsSelf(Var, Var->getInit()));
    if (Self && ThisClass) {
      CapturesSelf = true;
      Captures.push_back(selfTypeName());
      continue;
    }
    for (const Held &H : C.Handles.held(Var->getType()))
      if (H.Kind == HoldKind::Strong && C.isGraphRecord(H.Target))
        Captures.push_back(recordName(H.Target));
  }
  llvm::sort(Captures);
  Captures.erase(std::unique(Captures.begin(), Captures.end()),
                 Captures.end());
}

bool BodyAnalyzer::reachedFrom(const VarDecl *From, const VarDecl *Start) const {
  llvm::SmallPtrSet<const VarDecl *, 8> Seen;
  llvm::SmallVector<const VarDecl *, 8> Work = {Start};
  while (!Work.empty()) {
    const VarDecl *V = Work.pop_back_val();
    if (V == From)
      return true;
    if (!Seen.insert(V).second)
      continue;
    auto It = DerivedFrom.find(V);
    if (It != DerivedFrom.end())
      Work.append(It->second.begin(), It->second.end());
  }
  return false;
}

void BodyAnalyzer::learnAssignment(const Expr *LHS, const Expr *RHS) {
  const VarDecl *Target = bareVariable(LHS);
  if (!Target || !RHS)
    return;
  if (holdsSelf(Target, RHS))
    SelfVars.insert(Target);
  if (const auto *LE = dyn_cast_or_null<LambdaExpr>(ignoreWrappers(RHS)))
    LambdaVars[Target] = LE;
  if (const VarDecl *Root = rootVariable(RHS))
    if (Root != Target || !bareVariable(RHS))
      DerivedFrom[Target].insert(Root);
}

bool BodyAnalyzer::VisitVarDecl(VarDecl *VD) {
  if (Phase == Pass::Learn && VD->hasInit() && !isa<ParmVarDecl>(VD)) {
    const Expr *Init = VD->getInit();
    if (holdsSelf(VD, Init))
      SelfVars.insert(VD);
    if (const auto *LE = dyn_cast_or_null<LambdaExpr>(ignoreWrappers(Init)))
      LambdaVars[VD] = LE;
    if (const VarDecl *Root = rootVariable(Init))
      DerivedFrom[VD].insert(Root);
    if (VD->getType()->isReferenceType())
      if (FieldAccess Access = fieldAccess(Init); Access.Field)
        FieldAliases[VD] = {Access.Field, nullptr, Access.Base};
  }
  return true;
}

FieldAccess BodyAnalyzer::writtenField(const Expr *LHS) const {
  if (FieldAccess Access = fieldAccess(LHS); Access.Field)
    return Access;
  if (const VarDecl *Alias = bareVariable(LHS))
    return FieldAliases.lookup(Alias);
  return {};
}

bool BodyAnalyzer::VisitBinaryOperator(BinaryOperator *BO) {
  if (BO->getOpcode() != BO_Assign)
    return true;
  if (Phase == Pass::Learn) {
    learnAssignment(BO->getLHS(), BO->getRHS());
    return true;
  }
  FieldAccess Target = writtenField(BO->getLHS());
  if (Target.Field)
    emitStore(Target, isThis(Target.Base), BO->getRHS(), BO->getOperatorLoc());
  return true;
}

bool BodyAnalyzer::VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OCE) {
  if (OCE->getOperator() != OO_Equal || OCE->getNumArgs() != 2)
    return true;
  if (Phase == Pass::Learn) {
    learnAssignment(OCE->getArg(0), OCE->getArg(1));
    return true;
  }
  const Expr *LHS = ignoreWrappers(OCE->getArg(0));
  // map[key] = value stores into the map.
  if (const auto *Subscript = dyn_cast_or_null<CXXOperatorCallExpr>(LHS))
    if (Subscript->getOperator() == OO_Subscript)
      LHS = Subscript->getArg(0);
  FieldAccess Target = writtenField(LHS);
  if (Target.Field)
    emitStore(Target, isThis(Target.Base), OCE->getArg(1),
              OCE->getOperatorLoc());
  return true;
}

bool BodyAnalyzer::VisitCXXMemberCallExpr(CXXMemberCallExpr *MCE) {
  if (Phase != Pass::Record)
    return true;
  const CXXMethodDecl *Method = MCE->getMethodDecl();
  if (!Method || !Method->getIdentifier())
    return true;
  FieldAccess Target = writtenField(MCE->getImplicitObjectArgument());
  if (!Target.Field)
    return true;
  // These work the same on a weak handle: not reads to rewrite, and a
  // reset() without arguments clears rather than stores.
  llvm::StringRef Name = Method->getName();
  if (Name == "reset" || Name == "swap" || Name == "use_count")
    C.StoredThrough.insert(Target.Member);
  if ((Name == "reset" || Name == "clear") && MCE->getNumArgs() == 0)
    emitClear(Target.Field, MCE->getExprLoc());
  if (!insertingMethods().contains(Name) || MCE->getNumArgs() == 0)
    return true;
  // The argument that says most about what is stored.
  const Expr *Value = nullptr;
  int Best = -1;
  for (const Expr *Arg : MCE->arguments()) {
    int Rank = isSelfHandle(Arg)                              ? 4
               : lambdaOf(Arg)                                ? 3
               : paramIndex(Arg)                              ? 2
               : C.Handles.strongTarget(Arg->getType()) != nullptr ? 1
                                                                    : 0;
    if (Rank > Best) {
      Best = Rank;
      Value = Arg;
    }
  }
  emitStore(Target, isThis(Target.Base), Value, MCE->getExprLoc());
  return true;
}

void BodyAnalyzer::recordCall(const FunctionDecl *Callee, unsigned ArgOffset,
                              llvm::ArrayRef<const Expr *> Args, bool OnThis,
                              SourceLocation Loc) {
  if (!Callee || C.inSystemHeader(Callee->getLocation()))
    return;
  // Assigning or constructing a handle is not handing it to a function that
  // stores it somewhere.
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee)) {
    clang::QualType Class =
        C.Ctx.getRecordType(Method->getParent());
    if (C.Handles.isStrong(Class) || C.Handles.isWeak(Class))
      return;
  }
  for (unsigned I = ArgOffset; I < Args.size(); ++I) {
    CallFact Call;
    if (isSelfHandle(Args[I])) {
      Call.Value = ValueKind::SelfHandle;
      Call.ValueType = selfTypeName();
    } else if (const LambdaExpr *LE = lambdaOf(Args[I])) {
      Call.Value = ValueKind::Lambda;
      describeLambda(LE, Call.Captures, Call.CapturesSelf);
      if (Call.Captures.empty())
        continue;
    } else {
      continue;
    }
    Call.Callee = functionKey(Callee);
    Call.ArgIndex = I - ArgOffset;
    Call.Loc = locationOf(C.SM, Loc);
    Call.OnThis = OnThis;
    C.Out.Calls.push_back(std::move(Call));
  }
}

// make<T>(args...) and friends construct T from args: find the constructor
// by argument count, since the factory's own body only forwards.
const CXXConstructorDecl *factoryConstructor(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee || !Callee->getIdentifier() ||
      !factoryFunctions().contains(Callee->getName()))
    return nullptr;
  const TemplateArgumentList *Args = Callee->getTemplateSpecializationArgs();
  if (!Args || Args->size() == 0 ||
      Args->get(0).getKind() != TemplateArgument::Type)
    return nullptr;
  const auto *RD = Args->get(0).getAsType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return nullptr;
  for (const CXXConstructorDecl *Ctor : RD->ctors())
    if (!Ctor->isCopyOrMoveConstructor() &&
        Ctor->getMinRequiredArguments() <= CE->getNumArgs() &&
        Ctor->getNumParams() >= CE->getNumArgs())
      return Ctor;
  return nullptr;
}

bool BodyAnalyzer::VisitCallExpr(CallExpr *CE) {
  if (Phase != Pass::Record)
    return true;
  // std::move(field) / std::exchange(field, ...) empties the field.
  if ((isStdCall(CE, "move") ||
       (CE->getNumArgs() == 2 && CE->getDirectCallee() &&
        CE->getDirectCallee()->isInStdNamespace() &&
        CE->getDirectCallee()->getIdentifier() &&
        CE->getDirectCallee()->getName() == "exchange")))
    if (FieldAccess Moved = writtenField(CE->getArg(0)); Moved.Field)
      emitClear(Moved.Field, CE->getExprLoc());
  llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
  if (const CXXConstructorDecl *Ctor = factoryConstructor(CE)) {
    recordCall(Ctor, 0, Args, /*OnThis=*/false, CE->getExprLoc());
    return true;
  }
  const FunctionDecl *Callee = CE->getDirectCallee();
  unsigned Offset = 0;
  bool OnThis = false;
  std::vector<std::string> Through;
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
    OnThis = isThis(MCE->getImplicitObjectArgument());
    if (!OnThis)
      Through = fieldsFromThis(MCE->getImplicitObjectArgument());
  }
  else if (isa<CXXOperatorCallExpr>(CE) && isa_and_nonnull<CXXMethodDecl>(Callee))
    Offset = 1;
  size_t First = C.Out.Calls.size();
  recordCall(Callee, Offset, Args, OnThis, CE->getExprLoc());
  for (size_t I = First; I < C.Out.Calls.size(); ++I)
    C.Out.Calls[I].ThroughFields = Through;
  return true;
}

bool BodyAnalyzer::VisitCXXConstructExpr(CXXConstructExpr *CE) {
  if (Phase != Pass::Record || C.Handles.isStrong(CE->getType()))
    return true;
  llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
  recordCall(CE->getConstructor(), 0, Args, /*OnThis=*/false,
             CE->getBeginLoc());
  return true;
}

bool BodyAnalyzer::VisitMemberExpr(MemberExpr *ME) {
  if (Phase != Pass::Record)
    return true;
  const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
  // trace() visits weak handles as well as strong ones: not a read to rewrite.
  if (!Field || C.StoredThrough.contains(ME) || InTrace)
    return true;
  auto It = C.Uses.find(Field);
  if (It == C.Uses.end())
    return true;
  It->second.Reads.push_back(ME);
  return true;
}

void BodyAnalyzer::emitStore(const FieldAccess &Target, bool IntoThis,
                             const Expr *Value, SourceLocation Loc) {
  const FieldDecl *Field = Target.Field;
  const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!C.isGraphRecord(Owner) || C.heldBy(Field).empty())
    return;
  if (Target.Member)
    C.StoredThrough.insert(Target.Member);
  // Clearing a field is not what fills it; it is recorded as such, since a
  // callback field emptied somewhere is a one-shot handler.
  if (isNullValue(Value)) {
    C.Uses[Field].Unfixable = true;
    emitClear(Field, Loc);
    return;
  }

  StoreFact S;
  S.Owner = recordName(Owner);
  S.Field = Field->getNameAsString();
  S.Loc = locationOf(C.SM, Loc);
  S.IntoOtherObject = !IntoThis;
  if (Target.Base && !IntoThis)
    S.ThroughFields = fieldsFromThis(Target.Base);
  if (Value && isSelfHandle(Value)) {
    S.Value = ValueKind::SelfHandle;
    S.ValueType = selfTypeName();
    S.Closes = true;
  } else if (const LambdaExpr *LE = Value ? lambdaOf(Value) : nullptr) {
    S.Value = ValueKind::Lambda;
    describeLambda(LE, S.Captures, S.CapturesSelf);
    S.Closes = S.CapturesSelf;
  } else if (std::optional<unsigned> Index =
                 Value ? paramIndex(Value) : std::nullopt) {
    S.Value = ValueKind::Param;
    S.Function = functionKey(FD);
    S.ParamIndex = *Index;
  }
  if (S.ValueType.empty() && Value)
    if (const CXXRecordDecl *Pointee = C.Handles.strongTarget(Value->getType()))
      S.ValueType = recordName(Pointee);

  // `n->self = n`, `n->next->prev = n`, `tail->next = head` with tail found
  // by walking from head: the object written to is reached from the value.
  const VarDecl *ValueVar = Value ? bareVariable(Value) : nullptr;
  const VarDecl *BaseVar = Target.Base ? rootVariable(Target.Base) : nullptr;
  if (!S.Closes && ValueVar && BaseVar &&
      (BaseVar == ValueVar || reachedFrom(ValueVar, BaseVar))) {
    S.Closes = true;
    S.IntoOtherObject = false;
  }
  // Only `a->f = b` with both bare: `a->next->prev = b` writes another node.
  if (ValueVar && BaseVar && BaseVar != ValueVar &&
      accessedVariable(Target.Base) == BaseVar)
    VarStores.push_back({BaseVar, ValueVar, C.Out.Stores.size()});
  C.Out.Stores.push_back(std::move(S));
}

void BodyAnalyzer::emitClear(const FieldDecl *Field, SourceLocation Loc) {
  const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!C.isGraphRecord(Owner) || C.heldBy(Field).empty())
    return;
  StoreFact S;
  S.Owner = recordName(Owner);
  S.Field = Field->getNameAsString();
  S.Loc = locationOf(C.SM, Loc);
  S.Value = ValueKind::Cleared;
  C.Out.Stores.push_back(std::move(S));
}

//===-- Collector ---------------------------------------------------------===//

bool Collector::VisitCXXRecordDecl(CXXRecordDecl *RD) {
  if (!RD->isThisDeclarationADefinition() || !isGraphRecord(RD) ||
      inSystemHeader(RD->getLocation()) ||
      isa<ClassTemplatePartialSpecializationDecl>(RD))
    return true;
  RecordFact Record;
  Record.Name = recordName(RD);
  Record.Loc = locationOf(SM, RD->getLocation());
  for (const CXXBaseSpecifier &Base : RD->bases())
    if (const CXXRecordDecl *BaseDecl = Base.getType()->getAsCXXRecordDecl())
      Record.Bases.push_back(recordName(BaseDecl));
  Out.Records.push_back(std::move(Record));

  for (const FieldDecl *Field : RD->fields()) {
    if (Field->getName().empty())
      continue;
    llvm::StringSet<> Seen;
    for (const Held &H : heldBy(Field)) {
      if (H.Target && !isGraphRecord(H.Target))
        continue;
      FieldFact F;
      F.Owner = recordName(RD);
      F.Field = Field->getNameAsString();
      F.Target = H.Target ? recordName(H.Target) : std::string();
      F.Kind = H.Kind == HoldKind::Strong   ? FieldKind::Strong
               : H.Kind == HoldKind::Member ? FieldKind::Member
                                            : FieldKind::Callback;
      F.InContainer = H.InContainer;
      F.TypeSpelling = Field->getType().getAsString(Ctx.getPrintingPolicy());
      F.Loc = locationOf(SM, Field->getLocation());
      if (!Seen.insert(F.Target + "/" + std::to_string(int(F.Kind))).second)
        continue;
      if (F.Kind == FieldKind::Strong && !F.InContainer) {
        Uses.try_emplace(Field);
        StrongFields.push_back({Field, Out.Fields.size()});
      }
      Out.Fields.push_back(std::move(F));
    }
    if (const Expr *Init = Field->getInClassInitializer()) {
      BodyAnalyzer Analyzer(*this, nullptr, RD);
      Analyzer.emitStore({Field, nullptr, nullptr}, /*IntoThis=*/true, Init,
                         Init->getExprLoc());
    }
  }
  return true;
}

bool Collector::VisitFunctionDecl(FunctionDecl *FD) {
  if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
      FD->isImplicit() || FD->isDefaulted() || isLambdaCallOperator(FD) ||
      inSystemHeader(FD->getLocation()) || !SeenFunctions.insert(FD).second)
    return true;
  const CXXRecordDecl *ThisClass = nullptr;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(FD))
    ThisClass = Method->getParent();
  BodyAnalyzer(*this, FD, ThisClass).run();
  return true;
}

Replacement Collector::replacement(SourceLocation Begin, unsigned Length,
                                   std::string Text) const {
  Replacement R;
  R.File = locationOf(SM, Begin).File;
  R.Offset = SM.getFileOffset(Begin);
  R.Length = Length;
  R.Text = std::move(Text);
  return R;
}

std::vector<Replacement> Collector::weakFix(const FieldDecl *Field) {
  // Mechanical only when the whole story is in this file: the field and
  // every use of it in the main file, outside macros.
  const FieldUses &FieldUse = Uses[Field];
  // `Ref<A> parent, keep;`: the type is shared, and rewriting it would turn
  // both fields weak.
  for (const FieldDecl *Sibling : Field->getParent()->fields())
    if (Sibling != Field && Sibling->getBeginLoc() == Field->getBeginLoc())
      return {};
  if (FieldUse.Unfixable || !Field->getTypeSourceInfo() ||
      Field->getLocation().isMacroID() ||
      !SM.isInMainFile(Field->getLocation()))
    return {};
  TypeLoc TL = Field->getTypeSourceInfo()->getTypeLoc();
  if (auto Elaborated = TL.getAs<ElaboratedTypeLoc>())
    TL = Elaborated.getNamedTypeLoc();
  auto Spec = TL.getAs<TemplateSpecializationTypeLoc>();
  if (!Spec || Spec.getTemplateNameLoc().isMacroID())
    return {};
  std::string Strong = HandleTypes::templateName(Field->getType());
  llvm::StringRef Weak = Handles.weakPartner(Strong);
  // Only the last name component is rewritten, so the partner must live in
  // the same scope as the strong handle (tenure::Ref/Weak, std::shared_ptr/
  // weak_ptr).
  auto Scope = [](llvm::StringRef Name) { return Name.rsplit("::").first; };
  if (Weak.empty() || Scope(Weak) != Scope(Strong))
    return {};
  SourceLocation NameLoc = Spec.getTemplateNameLoc();
  unsigned NameLength =
      Lexer::MeasureTokenLength(NameLoc, SM, Ctx.getLangOpts());
  std::vector<Replacement> Fix = {
      replacement(NameLoc, NameLength, Weak.rsplit("::").second.str())};
  if (Weak.rsplit("::").second.empty())
    Fix.front().Text = Weak.str();

  for (const MemberExpr *Read : FieldUse.Reads) {
    if (Read->getBeginLoc().isMacroID() || !SM.isInMainFile(Read->getBeginLoc()))
      return {};
    SourceLocation End = Lexer::getLocForEndOfToken(
        Read->getEndLoc(), 0, SM, Ctx.getLangOpts());
    Fix.push_back(replacement(End, 0, ".lock()"));
  }
  return Fix;
}

Facts Collector::finish() {
  for (auto [Field, Index] : StrongFields)
    Out.Fields[Index].WeakFix = weakFix(Field);
  return mergeFacts({std::move(Out)});
}

} // namespace

Facts collectFacts(ASTContext &Ctx, const HandleTypes &Handles) {
  Collector C(Ctx, Handles);
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  return C.finish();
}

} // namespace tenure::analyzer
