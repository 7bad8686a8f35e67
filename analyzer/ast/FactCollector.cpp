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

#include "analyzer/ast/AccessPath.h"
#include "analyzer/ast/ContainerVocabulary.h"
#include "analyzer/ast/SourceFacts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ASTLambda.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"
#include <map>

using namespace clang;

namespace tenure::analyzer {
namespace {

// std::static_pointer_cast and friends, and a project's own cast templates
// (`Cast<To>(from)`): the result is the object the argument denotes.
bool isHandleCast(const FunctionDecl *Callee) {
  return Callee && Callee->getIdentifier() &&
         (Callee->getTemplateSpecializationArgs() ||
          Callee->isInStdNamespace()) &&
         Callee->getName().contains_insensitive("cast");
}

// A field written through `Base.Field` or `Base->Field`.
struct FieldAccess {
  const FieldDecl *Field = nullptr;
  const MemberExpr *Member = nullptr;
  const Expr *Base = nullptr;
};

FieldAccess fieldAccess(const Expr *E) {
  if (std::optional<AccessStep> Step = accessStep(E); Step && Step->Field)
    return {Step->Field, Step->Member, Step->Base};
  return {};
}

// The fields from `this` to the object \p Base denotes, when it is reached
// from `this` at all: `owner_->list` gives {"Self::owner_"}.
std::vector<std::string> fieldsFromThis(const Expr *Base) {
  AccessPath Path = accessPath(Base);
  if (Path.Root != AccessRoot::This)
    return {};
  // Field links only: a getter returning a field (`parent()->kids`) is a
  // member path the heap sees as that field, and it reports such a loop with
  // the better fix (the back pointer); counting the getter here would make
  // this walk claim the loop first, with the container as the fix.
  std::vector<std::string> Fields;
  for (const AccessStep &Step : llvm::reverse(Path.Steps)) {
    if (Step.StepKind != AccessStep::ReadField)
      continue;
    const FieldDecl *Field = Step.Field;
    const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
    if (!Owner)
      return {};
    Fields.push_back(recordName(Owner) + "::" + Field->getNameAsString());
  }
  return Fields;
}

// The variable a member access goes through, when it is that variable's
// own object: `v->f`, `(*v).f`, `v.get()->f`, but not `v->next->f`.
const VarDecl *accessedVariable(const AccessPath &Path) {
  return llvm::all_of(Path.Steps,
                      [](const AccessStep &S) { return S.staysOnObject(); })
             ? Path.rootVariable()
             : nullptr;
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

// A member call on a field that stores its arguments into the field: a
// container keeping the element it is given, or a handle reset to a new
// pointer.
bool storesIntoField(llvm::StringRef Method) {
  return storesItsArgument(Method) || Method == ResettingMethod;
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
  bool VisitReturnStmt(ReturnStmt *RS);

private:
  enum class Pass { Learn, Record };

  // The abstract heap of the function (Facts.h: FunctionFact).
  const CXXRecordDecl *recordOf(QualType T) const;
  bool isCallable(QualType T) const;
  int newObject(ObjectKind Kind, int Index, std::string Type,
                SourceLocation Loc);
  int thisObject();
  int variableObject(const VarDecl *Var);
  int memberObject(int Parent, const FieldDecl *Field);
  int closureObject(const LambdaExpr *LE);
  int bindObject(const CallExpr *Call);
  int allocation(const CXXRecordDecl *RD, const CXXConstructorDecl *Ctor,
                 llvm::ArrayRef<const Expr *> Args, const Expr *At);
  int heapCall(const CallExpr *Call, const FunctionDecl *Callee, int Receiver,
               llvm::ArrayRef<const Expr *> Args, QualType ResultType);
  int objectOf(const Expr *E);
  int computeObject(const Expr *E);
  int baseObject(const FieldAccess &Target);
  void heapEdge(HeapEdgeKind Kind, int From, int To, const FieldDecl *Field,
                SourceLocation Loc);
  bool heapField(const FieldDecl *Field);
  void heapStore(const FieldDecl *Field, int Base, const Expr *Value,
                 SourceLocation Loc, bool Replaces);
  void heapAssign(const Expr *LHS, const Expr *RHS, SourceLocation Loc,
                  bool Replaces);
  const FieldDecl *ownedExecutor(int Receiver) const;
  void finishHeap();

  void learnAssignment(const Expr *LHS, const Expr *RHS);
  FieldAccess writtenField(const Expr *LHS) const;
  bool isSelfHandle(const Expr *E) const;
  bool holdsSelf(const VarDecl *Var, const Expr *Init) const;
  const LambdaExpr *lambdaOf(const Expr *E) const;
  std::optional<unsigned> paramIndex(const Expr *E) const;
  void describeLambda(const LambdaExpr *LE, std::vector<std::string> &Captures,
                      bool &CapturesSelf) const;
  bool reachedFrom(const VarDecl *From, const VarDecl *Start,
                   SourceLocation Before) const;
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
  // `v = w->next`: v is reached from w, from that statement on.
  llvm::DenseMap<
      const VarDecl *,
      llvm::SmallVector<std::pair<const VarDecl *, SourceLocation>, 4>>
      DerivedFrom;
  // Stores "Base->f = Value" between two locals, for the mutual-store rule.
  struct VarStore {
    const VarDecl *Base;
    const VarDecl *Value;
    size_t Index;
  };
  std::vector<VarStore> VarStores;

  FunctionFact Heap;
  int ThisObject = -1;
  std::vector<const FieldDecl *> ObjectFields; ///< Member objects' fields.
  llvm::DenseMap<const VarDecl *, int> Env;    ///< Each local's current object.
  llvm::DenseMap<const Expr *, int> Values;
  std::map<std::pair<int, const FieldDecl *>, int> MemberObjects;
};

class Collector : public RecursiveASTVisitor<Collector> {
public:
  Collector(ASTContext &Ctx, const HandleTypes &Handles,
            llvm::ArrayRef<std::string> Sinks)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Handles(Handles),
        Sinks(Sinks.begin(), Sinks.end()) {}

  bool shouldVisitTemplateInstantiations() const { return true; }

  // Declarations only: bodies are the BodyAnalyzer's, and nothing in system
  // headers becomes a fact. Skipping both keeps the walk small next to the
  // parse.
  bool TraverseStmt(Stmt *) { return true; }
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && isInSystemHeader(*D))
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

  const CXXRecordDecl *rawTarget(const FieldDecl *Field,
                                 bool *InContainer = nullptr) const;
  bool isSink(QualType T) const;
  bool isOwnedSink(const FieldDecl *Field) const;
  const FieldDecl *executorOf(const FieldDecl *Field) const {
    return Executors.lookup(Field);
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const HandleTypes &Handles;
  const std::vector<std::string> Sinks;
  Facts Out;
  llvm::DenseMap<const FieldDecl *, FieldUses> Uses;
  llvm::DenseSet<const MemberExpr *> StoredThrough;

private:
  std::vector<Replacement> weakFix(const FieldDecl *Field);
  Replacement replacement(SourceLocation Begin, unsigned Length,
                          std::string Text) const;

  void learnClass(const CXXRecordDecl *RD);

  llvm::DenseMap<const FieldDecl *, std::vector<Held>> HeldCache;
  llvm::DenseMap<const FieldDecl *, std::string> DeletedBy;
  llvm::DenseMap<const FieldDecl *, const FieldDecl *> Executors;
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
          if (P == Pass::Learn) {
            TraverseStmt(Init->getInit());
          } else {
            heapStore(Init->getMember(), thisObject(), Init->getInit(),
                      Init->getSourceLocation(), /*Replaces=*/true);
            emitStore({Init->getMember(), nullptr, nullptr}, /*IntoThis=*/true,
                      Init->getInit(), Init->getSourceLocation());
          }
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
  finishHeap();
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
      // A cast of the self handle is the self handle.
      if (C.Handles.isStrong(Call->getType()) && Call->getNumArgs() == 1 &&
          isHandleCast(Call->getDirectCallee())) {
        E = Call->getArg(0);
        continue;
      }
      if (C.Handles.isStrong(Call->getType())) {
        if (const auto *Callee = Call->getDirectCallee())
          if (Callee->getIdentifier() &&
              Callee->getName() == "shared_from_this")
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
  Captures.erase(std::unique(Captures.begin(), Captures.end()), Captures.end());
}

// Only walks made before the store count: `at->kids.push_back(next); at =
// next;` makes `at` a new value after the store, not a node reached from
// `next` at it.
bool BodyAnalyzer::reachedFrom(const VarDecl *From, const VarDecl *Start,
                               SourceLocation Before) const {
  llvm::SmallPtrSet<const VarDecl *, 8> Seen;
  llvm::SmallVector<const VarDecl *, 8> Work = {Start};
  while (!Work.empty()) {
    const VarDecl *V = Work.pop_back_val();
    if (V == From)
      return true;
    if (!Seen.insert(V).second)
      continue;
    auto It = DerivedFrom.find(V);
    if (It == DerivedFrom.end())
      continue;
    for (auto [Root, At] : It->second)
      if (At.isInvalid() || C.SM.isBeforeInTranslationUnit(At, Before))
        Work.push_back(Root);
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
  if (const VarDecl *Root = accessPath(RHS).rootVariable())
    if (Root != Target || !bareVariable(RHS))
      DerivedFrom[Target].push_back({Root, RHS->getBeginLoc()});
}

bool BodyAnalyzer::VisitVarDecl(VarDecl *VD) {
  if (Phase == Pass::Record && VD->hasInit() && !isa<ParmVarDecl>(VD) &&
      VD->isLocalVarDecl())
    Env[VD] = objectOf(VD->getInit());
  if (Phase == Pass::Learn && VD->hasInit() && !isa<ParmVarDecl>(VD)) {
    const Expr *Init = VD->getInit();
    if (holdsSelf(VD, Init))
      SelfVars.insert(VD);
    if (const auto *LE = dyn_cast_or_null<LambdaExpr>(ignoreWrappers(Init)))
      LambdaVars[VD] = LE;
    if (const VarDecl *Root = accessPath(Init).rootVariable())
      DerivedFrom[VD].push_back({Root, Init->getBeginLoc()});
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
  heapAssign(BO->getLHS(), BO->getRHS(), BO->getOperatorLoc(),
             /*Replaces=*/true);
  FieldAccess Target = writtenField(BO->getLHS());
  if (Target.Field)
    emitStore(Target, isThis(Target.Base), BO->getRHS(), BO->getOperatorLoc());
  return true;
}

// `v = e` gives local v a new object; `x->f = e` stores into x's field.
void BodyAnalyzer::heapAssign(const Expr *LHS, const Expr *RHS,
                              SourceLocation Loc, bool Replaces) {
  if (const VarDecl *Var = bareVariable(LHS);
      Var && !FieldAliases.count(Var) && Var->isLocalVarDecl()) {
    Env[Var] = objectOf(RHS);
    return;
  }
  if (const auto *Param = dyn_cast_or_null<ParmVarDecl>(bareVariable(LHS))) {
    Env[Param] = objectOf(RHS);
    return;
  }
  if (FieldAccess Target = writtenField(LHS); Target.Field)
    heapStore(Target.Field, baseObject(Target), RHS, Loc, Replaces);
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
  bool IntoContainer = false;
  if (const auto *Subscript = dyn_cast_or_null<CXXOperatorCallExpr>(LHS))
    if (Subscript->getOperator() == OO_Subscript) {
      LHS = Subscript->getArg(0);
      IntoContainer = true;
    }
  heapAssign(LHS, OCE->getArg(1), OCE->getOperatorLoc(), !IntoContainer);
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
  llvm::StringRef Name = Method->getName();
  if (storesIntoField(Name))
    for (const Expr *Arg : MCE->arguments())
      heapStore(Target.Field, baseObject(Target), Arg, MCE->getExprLoc(),
                /*Replaces=*/Name == ResettingMethod);
  // These work the same on a weak handle: not reads to rewrite, and a
  // reset() without arguments clears rather than stores.
  if (Name == ResettingMethod || Name == "swap" || Name == "use_count")
    C.StoredThrough.insert(Target.Member);
  if ((Name == ResettingMethod || Name == "clear") && MCE->getNumArgs() == 0)
    emitClear(Target.Field, MCE->getExprLoc());
  if (!storesIntoField(Name) || MCE->getNumArgs() == 0)
    return true;
  // The argument that says most about what is stored.
  const Expr *Value = nullptr;
  int Best = -1;
  for (const Expr *Arg : MCE->arguments()) {
    int Rank = isSelfHandle(Arg)                                   ? 4
               : lambdaOf(Arg)                                     ? 3
               : paramIndex(Arg)                                   ? 2
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
    clang::QualType Class = C.Ctx.getRecordType(Method->getParent());
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
  objectOf(CE);
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
  } else if (isa<CXXOperatorCallExpr>(CE) &&
             isa_and_nonnull<CXXMethodDecl>(Callee))
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

bool BodyAnalyzer::VisitReturnStmt(ReturnStmt *RS) {
  if (Phase == Pass::Record && Heap.Returns < 0)
    Heap.Returns = objectOf(RS->getRetValue());
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
    // Starting out empty (a member initialiser, a default member
    // initialiser) is not emptying a handler after it ran.
    bool Initialises =
        !Target.Base && !Target.Member && (!FD || isa<CXXConstructorDecl>(FD));
    if (!Initialises)
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
  AccessPath BasePath = accessPath(Target.Base);
  const VarDecl *BaseVar = BasePath.rootVariable();
  if (!S.Closes && ValueVar && BaseVar &&
      (BaseVar == ValueVar || reachedFrom(ValueVar, BaseVar, Loc))) {
    S.Closes = true;
    S.IntoOtherObject = false;
  }
  // Only `a->f = b` with both bare: `a->next->prev = b` writes another node.
  if (ValueVar && BaseVar && BaseVar != ValueVar &&
      accessedVariable(BasePath) == BaseVar)
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

//===-- The abstract heap (see Facts.h) -----------------------------------===//

// The record a value of type \p T denotes: what a strong or weak handle, a
// raw pointer, a unique_ptr or a reference points to, or a record itself.
const CXXRecordDecl *BodyAnalyzer::recordOf(QualType T) const {
  T = T.getNonReferenceType();
  if (const CXXRecordDecl *RD = C.Handles.strongTarget(T))
    return RD;
  if (T->isPointerType())
    T = T->getPointeeType();
  if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
          T->getAsCXXRecordDecl())) {
    std::string Name = HandleTypes::templateName(T);
    if ((C.Handles.isWeak(T) || Name == "std::unique_ptr") &&
        Spec->getTemplateArgs().size() > 0 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
      T = Spec->getTemplateArgs()[0].getAsType();
  }
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  return C.isGraphRecord(RD) ? RD : nullptr;
}

// A callable a closure can live in: std::function and friends, or the
// closure type itself (a forwarding template's parameter).
bool BodyAnalyzer::isCallable(QualType T) const {
  T = T.getNonReferenceType();
  if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl(); RD && RD->isLambda())
    return true;
  for (const Held &H : C.Handles.held(T))
    if (H.Kind == HoldKind::Callback)
      return true;
  return false;
}

int BodyAnalyzer::newObject(ObjectKind Kind, int Index, std::string Type,
                            SourceLocation Loc) {
  HeapObject O;
  O.Kind = Kind;
  O.Index = Index;
  O.Type = std::move(Type);
  if (Loc.isValid())
    O.Loc = locationOf(C.SM, Loc);
  Heap.Objects.push_back(std::move(O));
  ObjectFields.push_back(nullptr);
  return static_cast<int>(Heap.Objects.size()) - 1;
}

int BodyAnalyzer::thisObject() {
  const auto *Method = dyn_cast_or_null<CXXMethodDecl>(FD);
  if (!ThisClass || (Method && Method->isStatic()))
    return -1;
  if (ThisObject < 0)
    ThisObject = newObject(ObjectKind::This, -1, recordName(ThisClass), {});
  return ThisObject;
}

int BodyAnalyzer::variableObject(const VarDecl *Var) {
  if (auto It = Env.find(Var); It != Env.end())
    return It->second;
  const auto *Param = dyn_cast<ParmVarDecl>(Var);
  std::optional<unsigned> Index;
  if (Param && FD)
    for (unsigned I = 0; I < FD->getNumParams(); ++I)
      if (FD->getParamDecl(I) == Param)
        Index = I;
  // A lambda's own parameter (its body is read as part of the function) is
  // a value of its own, not one the function's callers give.
  if (!Param)
    return -1;
  const CXXRecordDecl *RD = recordOf(Var->getType());
  if (!RD && !isCallable(Var->getType()))
    return -1;
  int Obj = newObject(Index ? ObjectKind::Param : ObjectKind::Opaque,
                      Index ? static_cast<int>(*Index) : -1,
                      RD ? recordName(RD) : std::string(), {});
  Env[Var] = Obj;
  return Obj;
}

// What field \p Field of object \p Parent holds now: the value last stored
// into it here, else an object standing for its contents. Paths stop two
// fields below their root, so recursive structures stay finite.
int BodyAnalyzer::memberObject(int Parent, const FieldDecl *Field) {
  if (Parent < 0)
    return -1;
  auto Key = std::make_pair(Parent, Field);
  if (auto It = MemberObjects.find(Key); It != MemberObjects.end())
    return It->second;
  unsigned Depth = 0;
  for (int At = Parent; Heap.Objects[At].Kind == ObjectKind::Member;
       At = Heap.Objects[At].Index)
    ++Depth;
  const CXXRecordDecl *RD = recordOf(Field->getType());
  const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (Depth >= 2 || !Owner || (!RD && !isCallable(Field->getType())))
    return -1;
  int Obj = newObject(ObjectKind::Member, Parent,
                      RD ? recordName(RD) : std::string(), {});
  Heap.Objects[Obj].Field = recordName(Owner) + "::" + Field->getNameAsString();
  ObjectFields[Obj] = Field;
  MemberObjects[Key] = Obj;
  return Obj;
}

int BodyAnalyzer::closureObject(const LambdaExpr *LE) {
  int Closure = newObject(ObjectKind::Closure, -1, {}, LE->getBeginLoc());
  for (const LambdaCapture &Capture : LE->captures()) {
    if (!Capture.capturesVariable() || Capture.getCaptureKind() != LCK_ByCopy)
      continue;
    const auto *Var = dyn_cast<VarDecl>(Capture.getCapturedVar());
    if (!Var || !C.Handles.isStrong(Var->getType().getNonReferenceType()))
      continue;
    int Held =
        Var->isInitCapture() ? objectOf(Var->getInit()) : variableObject(Var);
    heapEdge(HeapEdgeKind::Capture, Closure, Held, nullptr, LE->getBeginLoc());
  }
  return Closure;
}

bool isBind(const FunctionDecl *Callee) {
  if (!Callee || !Callee->getIdentifier() || Callee->getName() != "bind")
    return false;
  std::string Name = Callee->getQualifiedNameAsString();
  return Name == "std::bind" || Name == "boost::bind";
}

int BodyAnalyzer::bindObject(const CallExpr *Call) {
  int Closure = newObject(ObjectKind::Closure, -1, {}, Call->getBeginLoc());
  Heap.Objects[Closure].Bind = true;
  for (unsigned I = 1; I < Call->getNumArgs(); ++I)
    if (C.Handles.isStrong(Call->getArg(I)->getType()))
      heapEdge(HeapEdgeKind::Capture, Closure, objectOf(Call->getArg(I)),
               nullptr, Call->getBeginLoc());
  return Closure;
}

void BodyAnalyzer::heapEdge(HeapEdgeKind Kind, int From, int To,
                            const FieldDecl *Field, SourceLocation Loc) {
  if (From < 0 || To < 0)
    return;
  HeapEdge E;
  E.From = From;
  E.To = To;
  E.Kind = Kind;
  if (Field) {
    E.Owner = recordName(cast<CXXRecordDecl>(Field->getParent()));
    E.Field = Field->getNameAsString();
  }
  E.Loc = locationOf(C.SM, Loc);
  Heap.Edges.push_back(std::move(E));
}

// A field the heap records stores into: one that holds handles, owned
// objects or callables, or a raw pointer (owning when its class deletes it,
// which the merge step decides).
bool BodyAnalyzer::heapField(const FieldDecl *Field) {
  const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!C.isGraphRecord(Owner))
    return false;
  return !C.heldBy(Field).empty() || C.rawTarget(Field);
}

void BodyAnalyzer::heapStore(const FieldDecl *Field, int Base,
                             const Expr *Value, SourceLocation Loc,
                             bool Replaces) {
  if (Base < 0 || !heapField(Field))
    return;
  int Stored = isNullValue(Value) ? -1 : objectOf(Value);
  heapEdge(HeapEdgeKind::Field, Base, Stored, Field, Loc);
  if (!Replaces)
    return;
  auto Key = std::make_pair(Base, Field);
  if (Stored >= 0)
    MemberObjects[Key] = Stored;
  else
    MemberObjects.erase(Key);
}

int BodyAnalyzer::baseObject(const FieldAccess &Target) {
  return Target.Base ? objectOf(Target.Base) : thisObject();
}

// The executor member of `this` that keeps what is handed to \p Receiver:
// a by-value member of a RetainingSinks type, or a member constructed on
// one.
const FieldDecl *BodyAnalyzer::ownedExecutor(int Receiver) const {
  if (Receiver < 0 || Heap.Objects[Receiver].Kind != ObjectKind::Member ||
      Heap.Objects[Receiver].Index != ThisObject || ThisObject < 0)
    return nullptr;
  const FieldDecl *Field = ObjectFields[Receiver];
  if (!Field)
    return nullptr;
  if (C.isOwnedSink(Field))
    return Field;
  return C.executorOf(Field);
}

int BodyAnalyzer::heapCall(const CallExpr *Call, const FunctionDecl *Callee,
                           int Receiver, llvm::ArrayRef<const Expr *> Args,
                           QualType ResultType) {
  std::vector<int> Objects;
  bool Any = false;
  for (const Expr *Arg : Args) {
    Objects.push_back(objectOf(Arg));
    Any |= Objects.back() >= 0;
  }
  // A handler given to an executor the object owns (or to an I/O object
  // constructed on one) stays there until it runs.
  const FieldDecl *Executor = ownedExecutor(Receiver);
  if (!Executor && !Args.empty() && !isa<CXXMemberCallExpr>(Call) && Callee &&
      Callee->getIdentifier() &&
      llvm::is_contained({"post", "dispatch", "defer"}, Callee->getName()))
    Executor = ownedExecutor(Objects.front());
  if (Executor)
    for (int Obj : Objects)
      if (Obj >= 0 && Heap.Objects[Obj].Kind == ObjectKind::Closure)
        heapEdge(HeapEdgeKind::Pending, ThisObject, Obj, Executor,
                 Call->getExprLoc());
  if (!Callee || C.inSystemHeader(Callee->getLocation()))
    return -1;
  const CXXRecordDecl *RD = recordOf(ResultType);
  bool Returns = RD || isCallable(ResultType);
  if (!Any && !Returns)
    return -1;
  HeapCall HC;
  HC.Callee = functionKey(Callee);
  HC.Receiver = Receiver;
  HC.Args = std::move(Objects);
  HC.Loc = locationOf(C.SM, Call->getExprLoc());
  if (Returns)
    HC.Result =
        newObject(ObjectKind::Result, static_cast<int>(Heap.Calls.size()),
                  RD ? recordName(RD) : std::string(), {});
  Heap.Calls.push_back(std::move(HC));
  return Heap.Calls.back().Result;
}

// An object made here and the call of its constructor.
int BodyAnalyzer::allocation(const CXXRecordDecl *RD,
                             const CXXConstructorDecl *Ctor,
                             llvm::ArrayRef<const Expr *> Args,
                             const Expr *At) {
  int Obj = newObject(ObjectKind::Alloc, -1, recordName(RD), At->getBeginLoc());
  if (!Ctor || C.inSystemHeader(Ctor->getLocation()) || Args.empty())
    return Obj;
  HeapCall HC;
  HC.Callee = functionKey(Ctor);
  HC.Receiver = Obj;
  for (const Expr *Arg : Args)
    HC.Args.push_back(objectOf(Arg));
  HC.Loc = locationOf(C.SM, At->getBeginLoc());
  Heap.Calls.push_back(std::move(HC));
  return Obj;
}

int BodyAnalyzer::objectOf(const Expr *E) {
  if (!E)
    return -1;
  if (auto It = Values.find(E); It != Values.end())
    return It->second;
  int Obj = computeObject(E);
  Values[E] = Obj;
  return Obj;
}

int BodyAnalyzer::computeObject(const Expr *E) {
  if (const Expr *Inner = unwrapOnce(E))
    return objectOf(Inner);
  if (isa<CXXThisExpr>(E) || isSelfHandle(E))
    return thisObject();
  if (const auto *LE = dyn_cast<LambdaExpr>(E))
    return closureObject(LE);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(DRE->getDecl());
    return Var ? variableObject(Var) : -1;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
    return Field ? memberObject(objectOf(ME->getBase()), Field) : -1;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_Deref || UO->getOpcode() == UO_AddrOf
               ? objectOf(UO->getSubExpr())
               : -1;
  if (const auto *New = dyn_cast<CXXNewExpr>(E)) {
    const CXXRecordDecl *RD = New->getAllocatedType()->getAsCXXRecordDecl();
    if (!C.isGraphRecord(RD) || New->isArray())
      return -1;
    const CXXConstructExpr *Construct = New->getConstructExpr();
    llvm::SmallVector<const Expr *, 4> Args;
    if (Construct)
      Args.append(Construct->arg_begin(), Construct->arg_end());
    return allocation(RD, Construct ? Construct->getConstructor() : nullptr,
                      Args, E);
  }
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
    // A handle made from a pointer or another handle denotes its target.
    if (recordOf(Construct->getType()) !=
        Construct->getType()->getAsCXXRecordDecl())
      return Construct->getNumArgs() > 0 ? objectOf(Construct->getArg(0)) : -1;
    const CXXRecordDecl *RD = Construct->getType()->getAsCXXRecordDecl();
    if (!C.isGraphRecord(RD))
      return -1;
    llvm::SmallVector<const Expr *, 4> Args(Construct->arguments());
    return allocation(RD, Construct->getConstructor(), Args, E);
  }
  const auto *Call = dyn_cast<CallExpr>(E);
  if (!Call)
    return -1;
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (isBind(Callee))
    return bindObject(Call);
  if (isHandleCast(Callee) && Call->getNumArgs() == 1 &&
      recordOf(Call->getType()))
    return objectOf(Call->getArg(0));
  if (const CXXConstructorDecl *Ctor = factoryConstructor(Call)) {
    llvm::SmallVector<const Expr *, 4> Args(Call->arguments());
    return allocation(Ctor->getParent(), Ctor, Args, E);
  }
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(Call)) {
    // `h->`, `*h` on a handle are the object itself.
    if ((OCE->getOperator() == OO_Arrow || OCE->getOperator() == OO_Star) &&
        OCE->getNumArgs() == 1)
      return objectOf(OCE->getArg(0));
    if (!isa_and_nonnull<CXXMethodDecl>(Callee) || OCE->getNumArgs() == 0)
      return -1;
    llvm::SmallVector<const Expr *, 4> Args(std::next(OCE->arg_begin()),
                                            OCE->arg_end());
    return heapCall(Call, Callee, objectOf(OCE->getArg(0)), Args,
                    Call->getType());
  }
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(Call)) {
    const Expr *Object = MCE->getImplicitObjectArgument();
    const CXXMethodDecl *Method = MCE->getMethodDecl();
    QualType Class = Object ? Object->getType() : QualType();
    if (!Class.isNull() && Class->isPointerType())
      Class = Class->getPointeeType();
    // `h.get()`, `w.lock()`: the object the handle points to.
    if (Method && Method->getIdentifier() && MCE->getNumArgs() == 0 &&
        (Method->getName() == "get" || Method->getName() == "lock") &&
        !Class.isNull() && recordOf(Class) &&
        recordOf(Class) != Class->getAsCXXRecordDecl())
      return objectOf(Object);
    if (FieldAccess Access = fieldAccess(MCE); Access.Field)
      return memberObject(objectOf(Access.Base), Access.Field);
    llvm::SmallVector<const Expr *, 4> Args(MCE->arguments());
    return heapCall(Call, Method, objectOf(Object), Args, Call->getType());
  }
  llvm::SmallVector<const Expr *, 4> Args(Call->arguments());
  return heapCall(Call, Callee, -1, Args, Call->getType());
}

void BodyAnalyzer::finishHeap() {
  if (Heap.Edges.empty() && Heap.Calls.empty() && Heap.Returns < 0)
    return;
  Heap.Key = functionKey(FD);
  C.Out.Functions.push_back(std::move(Heap));
}

// The record a raw pointer field (or a standard container of raw pointers)
// points to.
const CXXRecordDecl *Collector::rawTarget(const FieldDecl *Field,
                                          bool *InContainer) const {
  auto Pointee = [&](QualType T) -> const CXXRecordDecl * {
    if (!T->isPointerType())
      return nullptr;
    const CXXRecordDecl *RD = T->getPointeeType()->getAsCXXRecordDecl();
    return isGraphRecord(RD) ? RD : nullptr;
  };
  QualType T = Field->getType();
  if (const CXXRecordDecl *RD = Pointee(T)) {
    if (InContainer)
      *InContainer = false;
    return RD;
  }
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T->getAsCXXRecordDecl());
  if (!Spec || !Spec->isInStdNamespace())
    return nullptr;
  for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray())
    if (Arg.getKind() == TemplateArgument::Type)
      if (const CXXRecordDecl *RD = Pointee(Arg.getAsType())) {
        if (InContainer)
          *InContainer = true;
        return RD;
      }
  return nullptr;
}

bool Collector::isSink(QualType T) const {
  std::string Name = HandleTypes::templateName(T.getNonReferenceType());
  return llvm::any_of(
      Sinks, [&](llvm::StringRef Sink) { return Sink.ltrim(':') == Name; });
}

// A member the object owns that runs handlers: by value, or a unique_ptr.
bool Collector::isOwnedSink(const FieldDecl *Field) const {
  QualType T = Field->getType();
  if (T->isReferenceType() || T->isPointerType())
    return false;
  if (HandleTypes::templateName(T) == "std::unique_ptr")
    if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
            T->getAsCXXRecordDecl()))
      if (Spec->getTemplateArgs().size() > 0 &&
          Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
        T = Spec->getTemplateArgs()[0].getAsType();
  return isSink(T);
}

namespace {

// The fields of `this` an expression mentions.
class ThisFields : public RecursiveASTVisitor<ThisFields> {
public:
  bool VisitMemberExpr(MemberExpr *ME) {
    if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      if (isThis(ME->getBase()))
        Found.insert(Field);
    return true;
  }
  llvm::SmallPtrSet<const FieldDecl *, 4> Found;
};

using FieldSet = llvm::SmallPtrSet<const FieldDecl *, 4>;
void addAll(FieldSet &Into, const FieldSet &From) {
  Into.insert(From.begin(), From.end());
}

llvm::SmallPtrSet<const FieldDecl *, 4> fieldsIn(const Stmt *S) {
  ThisFields Finder;
  Finder.TraverseStmt(const_cast<Stmt *>(S));
  return Finder.Found;
}

// The fields whose targets a destructor deletes: `delete f_`, or a local
// that walks a field (`for (T *p : f_) delete p;`, `it = f_.begin()`).
class Deletes : public RecursiveASTVisitor<Deletes> {
public:
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasInit())
      addAll(From[VD], fieldsIn(VD->getInit()));
    return true;
  }
  bool VisitCXXForRangeStmt(CXXForRangeStmt *S) {
    if (S->getLoopVariable() && S->getRangeInit())
      addAll(From[S->getLoopVariable()], fieldsIn(S->getRangeInit()));
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      if (const VarDecl *Var = bareVariable(BO->getLHS()))
        addAll(From[Var], fieldsIn(BO->getRHS()));
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OCE) {
    if (OCE->getOperator() == OO_Equal && OCE->getNumArgs() == 2)
      if (const VarDecl *Var = bareVariable(OCE->getArg(0)))
        addAll(From[Var], fieldsIn(OCE->getArg(1)));
    return true;
  }
  bool VisitCXXDeleteExpr(CXXDeleteExpr *DE) {
    Deleted.push_back(DE->getArgument());
    return true;
  }
  llvm::SmallPtrSet<const FieldDecl *, 4> fields() const {
    llvm::SmallPtrSet<const FieldDecl *, 4> Out;
    for (const Expr *E : Deleted) {
      // `delete p`, `delete *it`: what the local walking a field points to.
      AccessPath Path = accessPath(E);
      if (Path.rootVariable() &&
          llvm::all_of(Path.Steps, [](const AccessStep &S) {
            return S.StepKind == AccessStep::Dereference;
          })) {
        if (auto It = From.find(Path.Variable); It != From.end())
          addAll(Out, It->second);
        continue;
      }
      addAll(Out, fieldsIn(E));
    }
    return Out;
  }

private:
  llvm::DenseMap<const VarDecl *, llvm::SmallPtrSet<const FieldDecl *, 4>> From;
  llvm::SmallVector<const Expr *, 4> Deleted;
};

} // namespace

void Collector::learnClass(const CXXRecordDecl *RD) {
  if (const CXXDestructorDecl *Dtor = RD->getDestructor()) {
    const FunctionDecl *Def = nullptr;
    if (Dtor->hasBody(Def) && Def->getBody()) {
      Deletes Finder;
      Finder.TraverseStmt(Def->getBody());
      for (const FieldDecl *Field : Finder.fields())
        DeletedBy[Field] = "~" + RD->getNameAsString();
    }
  }
  // Members constructed on an executor member: `timer_(io_)`.
  auto NoteExecutor = [&](const FieldDecl *Field, const Expr *Init) {
    if (!Init)
      return;
    for (const FieldDecl *Used : fieldsIn(Init))
      if (Used != Field && isOwnedSink(Used))
        Executors[Field] = Used;
  };
  for (const FieldDecl *Field : RD->fields())
    NoteExecutor(Field, Field->getInClassInitializer());
  for (const CXXConstructorDecl *Ctor : RD->ctors()) {
    const FunctionDecl *Def = nullptr;
    if (!Ctor->isDefined(Def))
      continue;
    for (const CXXCtorInitializer *Init :
         cast<CXXConstructorDecl>(Def)->inits())
      if (Init->isMemberInitializer())
        NoteExecutor(Init->getMember(), Init->getInit());
  }
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
  learnClass(RD);

  for (const FieldDecl *Field : RD->fields()) {
    if (Field->getName().empty())
      continue;
    bool RawInContainer = false;
    if (const CXXRecordDecl *Target = rawTarget(Field, &RawInContainer)) {
      FieldFact F;
      F.Owner = recordName(RD);
      F.Field = Field->getNameAsString();
      F.Target = recordName(Target);
      F.Kind = FieldKind::Raw;
      F.InContainer = RawInContainer;
      F.TypeSpelling = Field->getType().getAsString(Ctx.getPrintingPolicy());
      F.Loc = locationOf(SM, Field->getLocation());
      F.DeletedIn = DeletedBy.lookup(Field);
      Out.Fields.push_back(std::move(F));
      continue;
    }
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
    if (Read->getBeginLoc().isMacroID() ||
        !SM.isInMainFile(Read->getBeginLoc()))
      return {};
    SourceLocation End =
        Lexer::getLocForEndOfToken(Read->getEndLoc(), 0, SM, Ctx.getLangOpts());
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

Facts collectFacts(ASTContext &Ctx, const HandleTypes &Handles,
                   llvm::ArrayRef<std::string> RetainingSinks) {
  Collector C(Ctx, Handles, RetainingSinks);
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  return C.finish();
}

} // namespace tenure::analyzer
