//===- ContainerCollector.cpp - Containers, their uses, their owners ------===//

#include "analyzer/ast/ContainerCollector.h"

#include "analyzer/ast/ContainerVocabulary.h"
#include "analyzer/ast/SourceFacts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include <functional>
#include <tuple>

using namespace clang;

namespace tenure::analyzer {
namespace {

constexpr unsigned MaxDepth = 4;

QualType plain(QualType T) {
  return T.isNull() ? T : T.getNonReferenceType().getCanonicalType();
}

std::string templateOf(QualType T) {
  return HandleTypes::templateName(plain(T));
}

bool isResizable(QualType T) {
  return resizableContainers().contains(templateOf(T));
}

QualType typeArg(QualType T, unsigned I) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      plain(T).isNull() ? nullptr : plain(T)->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() <= I ||
      Spec->getTemplateArgs()[I].getKind() != TemplateArgument::Type)
    return QualType();
  return Spec->getTemplateArgs()[I].getAsType();
}

// The same argument as written, for messages.
QualType writtenArg(QualType T, unsigned I) {
  if (!T.isNull())
    if (const auto *Spec =
            T.getNonReferenceType()->getAs<TemplateSpecializationType>())
      if (Spec->template_arguments().size() > I &&
          Spec->template_arguments()[I].getKind() == TemplateArgument::Type)
        return Spec->template_arguments()[I].getAsType();
  return typeArg(T, I);
}

bool isOwningPointer(llvm::StringRef Template) {
  return Template == "std::shared_ptr" || Template == "std::unique_ptr";
}

// The container types of a nest, outermost first: a map's mapped type and
// a sequence's element type are the next level. A set's elements cannot be
// changed in place, so nesting stops there.
std::vector<QualType> levelTypes(QualType T, bool Written = false) {
  std::vector<QualType> Levels;
  while (isResizable(T) && Levels.size() < MaxDepth) {
    Levels.push_back(Written ? T.getNonReferenceType() : plain(T));
    std::string Template = templateOf(T);
    if (isMapContainer(Template))
      T = Written ? writtenArg(T, 1) : typeArg(T, 1);
    else if (isKeyedContainer(Template) || Template.find("std::queue") == 0 ||
             Template.find("std::stack") == 0 ||
             Template.find("std::priority_queue") == 0)
      break;
    else
      T = Written ? writtenArg(T, 0) : typeArg(T, 0);
  }
  return Levels;
}

bool isFiniteKey(QualType T, unsigned Depth = 0) {
  T = plain(T);
  if (T.isNull() || Depth > 3)
    return false;
  if (T->isEnumeralType() || T->isBooleanType())
    return true;
  if (const auto *Builtin = T->getAs<BuiltinType>()) {
    switch (Builtin->getKind()) {
    case BuiltinType::Char_S:
    case BuiltinType::Char_U:
    case BuiltinType::SChar:
    case BuiltinType::UChar:
    case BuiltinType::Char8:
    case BuiltinType::Short:
    case BuiltinType::UShort:
      return true;
    default:
      return false;
    }
  }
  std::string Template = templateOf(T);
  if (Template == "std::pair" || Template == "std::tuple") {
    const auto *Spec =
        dyn_cast<ClassTemplateSpecializationDecl>(T->getAsCXXRecordDecl());
    for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray()) {
      if (Arg.getKind() == TemplateArgument::Type) {
        if (!isFiniteKey(Arg.getAsType(), Depth + 1))
          return false;
      } else if (Arg.getKind() == TemplateArgument::Pack) {
        for (const TemplateArgument &Inner : Arg.pack_elements())
          if (Inner.getKind() != TemplateArgument::Type ||
              !isFiniteKey(Inner.getAsType(), Depth + 1))
            return false;
      }
    }
    return true;
  }
  return false;
}

// A clear() in a function named like this is a reset the steady state of a
// program does not reach: reset(), resetAll(), clear(), clearCache().
bool isResetName(llvm::StringRef Name) {
  return Name.starts_with_insensitive("reset") ||
         Name.starts_with_insensitive("clear");
}

// The function a template instantiation was made from: closures and their
// stores are joined on it.
const FunctionDecl *patternOf(const FunctionDecl *FD) {
  if (!FD)
    return nullptr;
  if (const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern())
    return Pattern;
  return FD;
}

bool isCallableType(QualType T) {
  std::string Template = templateOf(T);
  if (Template == "std::function" || Template == "std::move_only_function" ||
      Template == "absl::AnyInvocable")
    return true;
  const CXXRecordDecl *RD =
      plain(T).isNull() ? nullptr : plain(T)->getAsCXXRecordDecl();
  return RD && RD->isLambda();
}

// Strips what the compiler adds around a value stored or returned: implicit
// conversions, temporaries, a std::function made from a lambda.
const Expr *stripStored(const Expr *E) {
  for (unsigned I = 0; E && I < 8; ++I) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      if (Construct->getNumArgs() != 1)
        return E;
      E = Construct->getArg(0);
      continue;
    }
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = Cast->getSubExpr();
      continue;
    }
    return E;
  }
  return E;
}

// Where an expression leads inside a container nest.
struct Path {
  enum Kind {
    Container,    ///< The container at Depth.
    Pair,         ///< An element (key/value pair) of the map at Depth.
    Iterator,     ///< An iterator into the container at Depth.
    InsertResult, ///< pair<iterator, bool> from insert/emplace at Depth.
    Pointer,      ///< A smart pointer owning the root container.
  };
  Kind K = Container;
  std::string Key; ///< Of the root.
  unsigned Depth = 0;
};

std::string levelKey(const std::string &Root, unsigned Depth) {
  std::string Key = Root;
  for (unsigned I = 0; I < Depth; ++I)
    Key += "[]";
  return Key;
}

// The class's own functions, and those of them this TU defines: only they
// can shrink its non-public containers. A member of a class template that
// this TU never instantiates is never called for this specialization here
// (a TU that calls it instantiates it, and its facts say what it does).
void describeMethods(const CXXRecordDecl *RD, ContainerFact &C) {
  for (const CXXMethodDecl *M : RD->methods()) {
    if (M->isImplicit() || M->isDeleted() || M->isDefaulted() ||
        M->isPureVirtual())
      continue;
    C.Methods.push_back(functionKey(M));
    const FunctionDecl *Pattern = M->getTemplateInstantiationPattern();
    if (M->hasBody() || (Pattern && Pattern->hasBody()))
      C.DefinedMethods.push_back(C.Methods.back());
  }
}

class Collector : public RecursiveASTVisitor<Collector> {
public:
  Collector(ASTContext &Ctx, const HandleTypes &Handles,
            const llvm::Regex &CacheName)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Handles(Handles),
        CacheName(CacheName) {}

  bool shouldVisitTemplateInstantiations() const { return true; }

  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && isInSystemHeader(*D))
      return true;
    const auto *FD = dyn_cast_or_null<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody() || FD->isDependentContext())
      return RecursiveASTVisitor::TraverseDecl(D);
    return inFunction(FD, [&] { return RecursiveASTVisitor::TraverseDecl(D); });
  }

  // A lambda's body runs later, not as part of the function that makes it:
  // its insertions are judged on their own (a lambda made in a constructor
  // is not the constructor). Its by-copy captures of containers belong to
  // the closure, when the closure is returned or kept.
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    if (!LE->getCallOperator()->isDependentContext())
      registerCaptures(LE);
    return inFunction(LE->getCallOperator(), [&] {
      return RecursiveASTVisitor::TraverseLambdaExpr(LE);
    });
  }

  bool TraverseCXXForRangeStmt(CXXForRangeStmt *S) {
    bool OverParam = rootIsParameter(S->getRangeInit());
    ParamLoops += OverParam;
    bool Result = RecursiveASTVisitor::TraverseCXXForRangeStmt(S);
    ParamLoops -= OverParam;
    return Result;
  }

  bool TraverseConstructorInitializer(CXXCtorInitializer *Init) {
    if (Init->isMemberInitializer() && Init->getInit())
      noteStored(
          Init->getInit(),
          recordName(cast<CXXRecordDecl>(Init->getMember()->getParent())) +
              "::" + Init->getMember()->getNameAsString(),
          Init->getSourceLocation());
    return RecursiveASTVisitor::TraverseConstructorInitializer(Init);
  }

  // Code this analysis cannot follow may shrink a container it is handed: a
  // function taking it by non-const reference or pointer, its address, a
  // getter returning it by non-const reference. Counted as an escape, so
  // the check stays quiet rather than guess.
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf)
      if (auto P = container(UO->getSubExpr()))
        emitUse(*P, UO->getExprLoc(), ContainerUseKind::Escape);
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *Return) {
    const Expr *Value = Return->getRetValue();
    if (!Value)
      return true;
    if (Function && Function->getReturnType()->isReferenceType() &&
        !Function->getReturnType().getNonReferenceType().isConstQualified())
      if (auto P = container(Value))
        emitUse(*P, Return->getReturnLoc(), ContainerUseKind::Escape);
    if (const LambdaExpr *LE = returnedLambda(Value))
      ReturnedLambdas[LE] = patternOf(Function);
    return true;
  }

  bool VisitFieldDecl(FieldDecl *Field) {
    const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
    if (!Owner || Owner->isDependentType() || Owner->isLambda() ||
        isLibraryRecord(Owner))
      return true;
    if (std::optional<std::string> Key = keyOf(Field)) {
      for (ContainerFact *C : emitLevels(*Key, Field, Field->getType())) {
        C->Public = Field->getAccess() == AS_public;
        C->OwnerRecord = recordName(Owner);
        describeMethods(Owner, *C);
      }
    } else if (const CXXRecordDecl *Held = heldRecord(Field->getType())) {
      emitLifetime(Held, LifetimeKind::HeldBy, recordName(Owner),
                   Field->getLocation());
    }
    if (const Expr *Init = Field->getInClassInitializer())
      noteStored(Init, recordName(Owner) + "::" + Field->getNameAsString(),
                 Field->getLocation());
    return true;
  }

  bool VisitVarDecl(VarDecl *Var) {
    if (Var->getDeclContext()->isDependentContext() || isa<ParmVarDecl>(Var))
      return true;
    if (!Var->hasGlobalStorage()) {
      // A local object: its type is made and dropped as a value.
      if (!Var->getType()->isReferenceType() &&
          !Var->getType()->isPointerType())
        if (const CXXRecordDecl *RD = userRecord(Var->getType()))
          emitLifetime(RD, LifetimeKind::MadeAsValue, "", Var->getLocation());
      return true;
    }
    if (Var->getInit())
      noteStored(Var->getInit(), qualifiedVarName(Var), Var->getLocation());
    if (Var != Var->getCanonicalDecl())
      return true;
    if (const CXXRecordDecl *RD = staticObject(Var))
      emitLifetime(RD, LifetimeKind::StaticObject, qualifiedVarName(Var),
                   Var->getLocation());
    std::optional<std::string> Key = keyOf(Var);
    if (!Key)
      return true;
    for (ContainerFact *C : emitLevels(*Key, Var, Var->getType())) {
      C->StaticStorage = true;
      if (Var->isStaticDataMember()) {
        C->Public = Var->getAccess() == AS_public;
        describeMethods(cast<CXXRecordDecl>(Var->getDeclContext()), *C);
      } else {
        C->Local = Var->isStaticLocal() || !Var->isExternallyVisible();
        C->Public = !C->Local;
      }
    }
    return true;
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->isDependentContext() || !FD->doesThisDeclarationHaveABody())
      return true;
    QualType Returned = FD->getReturnType();
    if (!Returned->isReferenceType() && !Returned->isPointerType())
      if (const CXXRecordDecl *RD = userRecord(Returned))
        emitLifetime(RD, LifetimeKind::MadeAsValue, "", FD->getLocation());
    return true;
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *Call) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (!Method || !Method->getIdentifier())
      return true;
    llvm::StringRef Name = Method->getName();
    // a.swap(b) replaces b as well (`Container().swap(cache_)`).
    if (Name == "swap" && Call->getNumArgs() == 1)
      if (auto Other = container(Call->getArg(0)))
        emitUse(*Other, Call->getExprLoc(), ContainerUseKind::Clear);
    std::optional<Path> P = container(Call->getImplicitObjectArgument());
    if (!P)
      return true;
    if (isInsertingMethod(Name))
      emitInsert(*P, Call->getExprLoc(), insertedKey(Call, Name));
    else if (removingMethods().contains(Name))
      emitUse(*P, Call->getExprLoc(), ContainerUseKind::Erase);
    else if (replacingMethods().contains(Name))
      emitUse(*P, Call->getExprLoc(), ContainerUseKind::Clear);
    else if (lookupMethods().contains(Name) && !States.empty())
      States.back().Lookups.insert(levelKey(P->Key, P->Depth));
    return true;
  }

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Call) {
    if (Call->getOperator() == OO_Equal && Call->getNumArgs() == 2)
      noteAssigned(Call->getArg(0), Call->getArg(1), Call->getExprLoc());
    if (Call->getNumArgs() < 1)
      return true;
    std::optional<Path> P = container(Call->getArg(0));
    if (!P)
      return true;
    if (Call->getOperator() == OO_Subscript && Call->getNumArgs() == 2 &&
        isKeyedContainer(templateOf(Call->getArg(0)->getType()))) {
      // map[k] inserts; when its value is only read, it is used as a lookup
      // of a key the code knows is there (`auto u = units[name];`).
      if (subscriptWritten(Call))
        emitInsert(*P, Call->getExprLoc(), Call->getArg(1));
      else if (!States.empty())
        States.back().Lookups.insert(levelKey(P->Key, P->Depth));
    } else if (Call->getOperator() == OO_Equal)
      emitUse(*P, Call->getExprLoc(), ContainerUseKind::Clear);
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      noteAssigned(BO->getLHS(), BO->getRHS(), BO->getExprLoc());
    return true;
  }

  // std::erase_if(c, ...), std::erase(c, ...), std::swap(a, b), and
  // containers handed to code that may change them.
  bool VisitCallExpr(CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (Callee)
      Callers[Callee->getCanonicalDecl()].insert(Function);
    if (!Callee || isa<CXXMemberCallExpr>(Call) ||
        isa<CXXOperatorCallExpr>(Call))
      return true;
    llvm::StringRef Name =
        Callee->getIdentifier() ? Callee->getName() : llvm::StringRef();
    for (unsigned I = 0; I < Call->getNumArgs(); ++I) {
      std::optional<Path> P = container(Call->getArg(I));
      if (!P)
        continue;
      QualType Param = I < Callee->getNumParams()
                           ? Callee->getParamDecl(I)->getType()
                           : QualType();
      bool Mutable = !Param.isNull() && Param->isReferenceType() &&
                     !Param.getNonReferenceType().isConstQualified();
      if (Callee->isInStdNamespace() && (Name == "erase_if" || Name == "erase"))
        emitUse(*P, Call->getExprLoc(), ContainerUseKind::Erase);
      else if (Callee->isInStdNamespace() && Name == "swap")
        emitUse(*P, Call->getExprLoc(), ContainerUseKind::Clear);
      else if (Mutable && !Callee->isInStdNamespace())
        emitUse(*P, Call->getExprLoc(), ContainerUseKind::Escape);
    }
    return true;
  }

  /// After the traversal: insertions in functions that only set-up code
  /// calls are set-up too.
  void finish() {
    llvm::DenseMap<const FunctionDecl *, bool> SetUp;
    std::function<bool(const FunctionDecl *, unsigned)> IsSetUp =
        [&](const FunctionDecl *FD, unsigned Depth) -> bool {
      if (!FD)
        return false;
      if (isa<CXXConstructorDecl>(FD))
        return true;
      if (Depth > 4)
        return false;
      auto Known = SetUp.find(FD);
      if (Known != SetUp.end())
        return Known->second;
      SetUp[FD] = false; // recursion is not set-up
      auto It = Callers.find(FD->getCanonicalDecl());
      bool Result = It != Callers.end() && !It->second.empty() &&
                    llvm::all_of(It->second, [&](const FunctionDecl *Caller) {
                      return IsSetUp(Caller, Depth + 1);
                    });
      return SetUp[FD] = Result;
    };
    for (auto &[Index, FD] : InsertFunctions)
      if (IsSetUp(FD, 0))
        Out.ContainerUses[Index].Bounded = true;
  }

  Facts Out;

private:
  struct FunctionState {
    llvm::StringSet<> Lookups;
    std::vector<size_t> Inserts;
    std::vector<bool> InParamLoop;
  };

  template <typename Fn> bool inFunction(const FunctionDecl *FD, Fn &&Body) {
    const FunctionDecl *Saved = Function;
    unsigned SavedLoops = ParamLoops;
    Function = FD;
    ParamLoops = 0;
    States.emplace_back();
    bool Result = Body();
    FunctionState State = std::move(States.back());
    States.pop_back();
    for (size_t I = 0; I < State.Inserts.size(); ++I) {
      ContainerUseFact &U = Out.ContainerUses[State.Inserts[I]];
      U.Memo = State.Lookups.contains(U.Key);
      // Filled from a collection the caller passes in, and not looked up
      // first: set-up, not a cache.
      if (State.InParamLoop[I] && !U.Memo)
        U.Bounded = true;
    }
    Function = Saved;
    ParamLoops = SavedLoops;
    return Result;
  }

  // --- Which declarations are containers --------------------------------

  std::optional<std::string> keyOf(const ValueDecl *D) {
    auto Cached = Keys.find(D);
    if (Cached != Keys.end())
      return Cached->second;
    std::optional<std::string> Key;
    const auto *Owner =
        isa<FieldDecl>(D)
            ? dyn_cast<CXXRecordDecl>(cast<FieldDecl>(D)->getParent())
            : nullptr;
    bool OwnedByUs = !isa<FieldDecl>(D) ||
                     (Owner && !Owner->isLambda() &&
                      !Owner->isDependentType() && !isLibraryRecord(Owner));
    if (OwnedByUs && isResizable(D->getType()))
      Key = qualifiedKey(D);
    Keys[D] = Key;
    return Key;
  }

  std::string qualifiedVarName(const VarDecl *Var) {
    if (Var->isStaticDataMember())
      return recordName(cast<CXXRecordDecl>(Var->getDeclContext())) +
             "::" + Var->getNameAsString();
    if (const auto *Function =
            dyn_cast_or_null<FunctionDecl>(Var->getParentFunctionOrMethod()))
      return patternOf(Function)->getQualifiedNameAsString() +
             "::" + Var->getNameAsString();
    return Var->getQualifiedNameAsString();
  }

  std::string qualifiedKey(const ValueDecl *D) {
    if (const auto *Field = dyn_cast<FieldDecl>(D))
      return recordName(cast<CXXRecordDecl>(Field->getParent())) +
             "::" + Field->getNameAsString();
    const auto *Var = cast<VarDecl>(D);
    std::string Name = qualifiedVarName(Var);
    if (!Var->isStaticDataMember() &&
        (Var->isStaticLocal() || !Var->isExternallyVisible()))
      Name += "@" + locationOf(SM, Var->getLocation()).File;
    return Name;
  }

  std::vector<ContainerFact *> emitLevels(const std::string &Key,
                                          const ValueDecl *D, QualType T) {
    std::vector<ContainerFact *> Emitted;
    std::vector<QualType> Levels = levelTypes(T);
    std::vector<QualType> Written = levelTypes(T, /*Written=*/true);
    knowLevels(Key, T);
    Location Loc = locationOf(SM, D->getLocation());
    bool Named = CacheName.match(D->getName());
    for (unsigned Depth = 0; Depth < Levels.size(); ++Depth) {
      ContainerFact C;
      C.Key = levelKey(Key, Depth);
      C.Depth = Depth;
      C.Type = (Depth < Written.size() ? Written[Depth] : Levels[Depth])
                   .getAsString(Ctx.getPrintingPolicy());
      C.Loc = Loc;
      for (const Held &H : Handles.held(Levels[Depth])) {
        if (H.Kind != HoldKind::Strong)
          continue;
        C.HoldsHandles = true;
        if (H.Target)
          C.HeldTypes.push_back(recordName(H.Target));
      }
      C.CacheName = Named;
      C.Keyed = isKeyedContainer(templateOf(Levels[Depth]));
      if (C.Keyed)
        C.FiniteKeys = isFiniteKey(typeArg(Levels[Depth], 0));
      Out.Containers.push_back(std::move(C));
    }
    // Pointers taken after every push_back: the vector no longer moves.
    for (size_t I = Out.Containers.size() - Levels.size();
         I < Out.Containers.size(); ++I)
      Emitted.push_back(&Out.Containers[I]);
    return Emitted;
  }

  // --- Closures -----------------------------------------------------------

  void registerCaptures(const LambdaExpr *LE) {
    auto Returned = ReturnedLambdas.find(LE);
    auto Kept = KeptLambdas.find(LE);
    if (Returned == ReturnedLambdas.end() && Kept == KeptLambdas.end())
      return;
    for (const LambdaCapture &Capture : LE->captures()) {
      if (!Capture.capturesVariable() || Capture.getCaptureKind() != LCK_ByCopy)
        continue;
      const auto *Var = dyn_cast<VarDecl>(Capture.getCapturedVar());
      if (!Var || Var->hasGlobalStorage())
        continue;
      QualType T = plain(Var->getType());
      bool Pointer = isOwningPointer(templateOf(T));
      QualType Held = Pointer ? typeArg(T, 0) : T;
      if (!isResizable(Held))
        continue;
      const FunctionDecl *Maker = Returned != ReturnedLambdas.end()
                                      ? Returned->second
                                      : patternOf(Function);
      std::string Key =
          (Maker ? Maker->getQualifiedNameAsString() + "::" : std::string()) +
          Var->getNameAsString() + "@" +
          locationOf(SM, Var->getLocation()).File;
      ClosureVars[Var] = {Key, Pointer};
      if (!EmittedClosures.insert(Key).second)
        continue;
      for (ContainerFact *C : emitLevels(Key, Var, Held)) {
        C->Local = true;
        if (Returned != ReturnedLambdas.end() && Returned->second) {
          C->Factory = functionKey(Returned->second);
          C->FactoryName = Returned->second->getQualifiedNameAsString();
        }
        if (Kept != KeptLambdas.end()) {
          C->KeptIn = Kept->second.first;
          C->KeptAt = Kept->second.second;
        }
      }
    }
  }

  const LambdaExpr *returnedLambda(const Expr *Value) {
    const Expr *E = stripStored(Value);
    if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E))
      if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
        if (!Var->hasGlobalStorage() && Var->getInit())
          E = stripStored(Var->getInit());
    return dyn_cast_or_null<LambdaExpr>(E);
  }

  // `target = value` where target is a member, static or global: a lambda
  // stored there keeps its captures; a closure returned by a call stored
  // there is a ClosureStoreFact.
  void noteAssigned(const Expr *Target, const Expr *Value, SourceLocation Loc) {
    Target = Target->IgnoreParenImpCasts();
    std::string Into;
    if (const auto *ME = dyn_cast<MemberExpr>(Target)) {
      if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
        Into = recordName(cast<CXXRecordDecl>(Field->getParent())) +
               "::" + Field->getNameAsString();
      else if (const auto *Var = dyn_cast<VarDecl>(ME->getMemberDecl()))
        Into = qualifiedVarName(Var);
    } else if (const auto *Ref = dyn_cast<DeclRefExpr>(Target)) {
      if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
          Var && Var->hasGlobalStorage())
        Into = qualifiedVarName(Var);
    }
    if (!Into.empty())
      noteStored(Value, Into, Loc);
  }

  void noteStored(const Expr *Value, const std::string &Into,
                  SourceLocation Loc) {
    const Expr *E = stripStored(Value);
    if (const auto *LE = dyn_cast_or_null<LambdaExpr>(E)) {
      KeptLambdas[LE] = {Into, locationOf(SM, Loc)};
      return;
    }
    const auto *Call = dyn_cast_or_null<CallExpr>(E);
    if (!Call || isa<CXXMemberCallExpr>(Call) || isa<CXXOperatorCallExpr>(Call))
      return;
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || !isCallableType(Callee->getReturnType()))
      return;
    Out.ClosureStores.push_back(
        {functionKey(patternOf(Callee)), Into, locationOf(SM, Loc)});
  }

  // --- Owners -------------------------------------------------------------

  const CXXRecordDecl *userRecord(QualType T) {
    T = plain(T);
    const CXXRecordDecl *RD = T.isNull() ? nullptr : T->getAsCXXRecordDecl();
    if (!RD || !RD->hasDefinition() || RD->isLambda() || isLibraryRecord(RD) ||
        RD->isDependentType())
      return nullptr;
    return RD->getDefinition();
  }

  // The record a member holds as its own: by value, in an owning pointer or
  // an optional.
  const CXXRecordDecl *heldRecord(QualType T) {
    std::string Template = templateOf(T);
    if (isOwningPointer(Template) || Template == "std::optional")
      return userRecord(typeArg(T, 0));
    return userRecord(T);
  }

  // The record a static, global or function-local static keeps alive: by
  // value, in an owning pointer, or behind a raw pointer it news.
  const CXXRecordDecl *staticObject(const VarDecl *Var) {
    QualType T = Var->getType();
    if (T->isPointerType()) {
      const Expr *Init = Var->getInit();
      if (!Init || !isa<CXXNewExpr>(Init->IgnoreImplicit()))
        return nullptr;
      return userRecord(T->getPointeeType());
    }
    if (T->isReferenceType())
      return nullptr;
    return heldRecord(T);
  }

  void emitLifetime(const CXXRecordDecl *RD, LifetimeKind Kind,
                    const std::string &By, SourceLocation Loc) {
    if (!hasContainers(RD))
      return;
    std::string Record = recordName(RD);
    if (Kind == LifetimeKind::MadeAsValue &&
        !ValueRecords.insert(Record).second)
      return;
    Out.Lifetimes.push_back({Record, Kind, By, locationOf(SM, Loc)});
  }

  // Only records with containers, or holding records that may have them,
  // matter for how long containers live.
  bool hasContainers(const CXXRecordDecl *RD) {
    auto [It, Inserted] = WithContainers.try_emplace(RD, false);
    if (!Inserted)
      return It->second;
    bool Found = false;
    for (const FieldDecl *Field : RD->fields())
      Found |= isResizable(Field->getType()) ||
               heldRecord(Field->getType()) != nullptr;
    for (const CXXBaseSpecifier &Base : RD->bases())
      if (const CXXRecordDecl *BaseRD = userRecord(Base.getType()))
        Found |= hasContainers(BaseRD);
    return WithContainers[RD] = Found;
  }

  // --- Uses ---------------------------------------------------------------

  void emitUse(const Path &P, SourceLocation Loc, ContainerUseKind Kind) {
    if (P.K != Path::Container || P.Depth >= LevelCount.lookup(P.Key))
      return;
    ContainerUseFact U;
    U.Key = levelKey(P.Key, P.Depth);
    U.Loc = locationOf(SM, Loc);
    U.Kind = Kind;
    if (Function) {
      U.Function = patternOf(Function)->getQualifiedNameAsString();
      U.InDestructor = isa<CXXDestructorDecl>(Function);
      const auto *Named = patternOf(Function);
      U.OnlyOnReset = U.InDestructor ||
                      (Named->getIdentifier() && isResetName(Named->getName()));
    }
    Out.ContainerUses.push_back(std::move(U));
  }

  void emitInsert(const Path &P, SourceLocation Loc, const Expr *KeyExpr) {
    if (P.K != Path::Container || P.Depth >= LevelCount.lookup(P.Key))
      return;
    emitUse(P, Loc, ContainerUseKind::Insert);
    ContainerUseFact &U = Out.ContainerUses.back();
    if (!Function)
      return;
    U.Bounded = isa<CXXConstructorDecl>(Function) ||
                sizeCompared(Function).contains(U.Key) || keyCompared(KeyExpr);
    if (!States.empty()) {
      States.back().Inserts.push_back(Out.ContainerUses.size() - 1);
      States.back().InParamLoop.push_back(ParamLoops > 0);
    }
    InsertFunctions.push_back({Out.ContainerUses.size() - 1, Function});
  }

  // Whether the element `map[k]` names is written or handed on as
  // writable; a copy, a const reference or a comparison only reads it.
  bool subscriptWritten(const Expr *Subscript) {
    const Expr *Cur = Subscript;
    for (unsigned Steps = 0; Steps < 8; ++Steps) {
      DynTypedNodeList Parents = Ctx.getParents(*Cur);
      if (Parents.empty())
        return true;
      if (const auto *Cast = Parents[0].get<ImplicitCastExpr>()) {
        if (Cast->getCastKind() == CK_LValueToRValue)
          return false;
        Cur = Cast;
        continue;
      }
      if (const auto *E = Parents[0].get<Expr>();
          E && (isa<ParenExpr>(E) || isa<MaterializeTemporaryExpr>(E))) {
        Cur = E;
        continue;
      }
      if (const auto *BO = Parents[0].get<BinaryOperator>())
        return BO->isAssignmentOp() && BO->getLHS()->IgnoreParens() == Cur;
      if (const auto *UO = Parents[0].get<UnaryOperator>())
        return UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf;
      if (const auto *Op = Parents[0].get<CXXOperatorCallExpr>()) {
        if (Op->getNumArgs() == 0 ||
            Op->getArg(0)->IgnoreParenImpCasts() != Cur)
          return false;
        OverloadedOperatorKind K = Op->getOperator();
        return K == OO_Subscript || K == OO_PlusPlus || K == OO_MinusMinus ||
               (K >= OO_Equal && K <= OO_PipeEqual) || K == OO_LessLessEqual ||
               K == OO_GreaterGreaterEqual || K == OO_Arrow || K == OO_Call;
      }
      if (const auto *ME = Parents[0].get<MemberExpr>()) {
        if (const auto *Method = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
          return !Method->isConst();
        Cur = ME; // a field of the element: what happens to it
        continue;
      }
      if (const auto *Var = Parents[0].get<VarDecl>()) {
        QualType T = Var->getType();
        return T->isReferenceType() &&
               !T.getNonReferenceType().isConstQualified();
      }
      if (Parents[0].get<CXXConstructExpr>())
        return false; // copied
      if (const auto *Call = Parents[0].get<CallExpr>()) {
        const FunctionDecl *Callee = Call->getDirectCallee();
        for (unsigned I = 0;
             Callee && I < Call->getNumArgs() && I < Callee->getNumParams();
             ++I)
          if (Call->getArg(I)->IgnoreParenImpCasts() == Cur) {
            QualType T = Callee->getParamDecl(I)->getType();
            return T->isReferenceType() &&
                   !T.getNonReferenceType().isConstQualified();
          }
        return true;
      }
      if (Parents[0].get<ReturnStmt>())
        return Function && Function->getReturnType()->isReferenceType() &&
               !Function->getReturnType()
                    .getNonReferenceType()
                    .isConstQualified();
      return true;
    }
    return true;
  }

  // The key of an insertion, when the call shows it.
  static const Expr *insertedKey(const CXXMemberCallExpr *Call,
                                 llvm::StringRef Name) {
    if (Call->getNumArgs() == 0)
      return nullptr;
    const Expr *First = Call->getArg(0)->IgnoreImplicit();
    if (Name == "emplace" || Name == "try_emplace" ||
        Name == "insert_or_assign")
      return First;
    if (Name != "insert")
      return nullptr;
    if (const auto *List = dyn_cast<InitListExpr>(First))
      return List->getNumInits() ? List->getInit(0) : nullptr;
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(First))
      return Construct->getNumArgs() == 2 ? Construct->getArg(0) : First;
    return First;
  }

  // An integer key the function checks against a bound first:
  // `if (id >= count_) return; table_[id] = v;`.
  bool keyCompared(const Expr *KeyExpr) {
    if (!KeyExpr || !Function)
      return false;
    const auto *Ref = dyn_cast<DeclRefExpr>(KeyExpr->IgnoreParenImpCasts());
    const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
    if (!Var || !Var->getType()->isIntegerType())
      return false;
    auto [It, Inserted] = ComparedVars.try_emplace(Function);
    if (Inserted) {
      // `id >= count_`, `id < kSlots`, `id > 255`: an upper bound. A literal
      // on the greater side (`n < 2`) is a base case, not a bound.
      struct Finder : RecursiveASTVisitor<Finder> {
        llvm::DenseSet<const VarDecl *> Found;
        static const VarDecl *var(const Expr *E) {
          const auto *R = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
          return R ? dyn_cast<VarDecl>(R->getDecl()) : nullptr;
        }
        bool VisitBinaryOperator(BinaryOperator *BO) {
          if (!BO->isRelationalOp())
            return true;
          const Expr *Lesser = BO->getLHS(), *Greater = BO->getRHS();
          if (BO->getOpcode() == BO_GT || BO->getOpcode() == BO_GE)
            std::swap(Lesser, Greater);
          for (auto [Side, Other, OtherIsGreater] :
               {std::tuple(Lesser, Greater, true),
                std::tuple(Greater, Lesser, false)}) {
            const VarDecl *V = var(Side);
            if (!V)
              continue;
            bool Literal = isa<IntegerLiteral>(Other->IgnoreParenImpCasts());
            if (!Literal || !OtherIsGreater)
              Found.insert(V);
          }
          return true;
        }
      } F;
      F.TraverseStmt(Function->getBody());
      It->second = std::move(F.Found);
    }
    return It->second.contains(Var);
  }

  // Levels whose size() the function compares: `if (c.size() >= N)`.
  const llvm::StringSet<> &sizeCompared(const FunctionDecl *FD) {
    auto [It, Inserted] = SizeChecks.try_emplace(FD);
    if (!Inserted)
      return It->second;
    struct Finder : RecursiveASTVisitor<Finder> {
      Collector &C;
      llvm::StringSet<> Found;
      explicit Finder(Collector &C) : C(C) {}
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
          if (auto P = Sized ? C.container(Sized) : std::nullopt)
            Found.insert(levelKey(P->Key, P->Depth));
        }
        return true;
      }
    } F(*this);
    F.TraverseStmt(FD->getBody());
    return SizeChecks[FD] = std::move(F.Found);
  }

  static bool rootIsParameter(const Expr *E) {
    for (unsigned I = 0; E && I < 6; ++I) {
      E = E->IgnoreParenImpCasts();
      if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
        return isa<ParmVarDecl>(Ref->getDecl());
      if (const auto *ME = dyn_cast<MemberExpr>(E))
        E = ME->getBase();
      else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E))
        E = Call->getImplicitObjectArgument();
      else
        return false;
    }
    return false;
  }

  // --- Where an expression leads -------------------------------------------

  /// The container level \p E names, if any.
  std::optional<Path> container(const Expr *E) {
    std::optional<Path> P = resolve(E, 0);
    if (P && P->K == Path::Container)
      return P;
    return std::nullopt;
  }

  bool isMapLevel(const Path &P) {
    auto It = LevelMaps.find(levelKey(P.Key, P.Depth));
    return It != LevelMaps.end() && It->second;
  }

  // An element of the container at P: a pair for a map, the next level for
  // a sequence.
  std::optional<Path> element(Path P, bool Map) {
    if (P.K != Path::Container && P.K != Path::Iterator)
      return std::nullopt;
    if (Map) {
      P.K = Path::Pair;
      return P;
    }
    P.K = Path::Container;
    ++P.Depth;
    return P;
  }

  std::optional<Path> resolve(const Expr *E, unsigned Steps) {
    if (!E || Steps > 12)
      return std::nullopt;
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Cleanups = dyn_cast<ExprWithCleanups>(E))
      return resolve(Cleanups->getSubExpr(), Steps + 1);
    // A copy or move of an iterator or of an insertion's result.
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E))
      if (Construct->getNumArgs() == 1 &&
          Construct->getConstructor()->isCopyOrMoveConstructor())
        return resolve(Construct->getArg(0), Steps + 1);
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      const ValueDecl *Member = ME->getMemberDecl();
      if (const auto *Field = dyn_cast<FieldDecl>(Member)) {
        if (std::optional<std::string> Key = keyOf(Field))
          return root(*Key, Field->getType());
        // `.second` of a map's element, `.first` of an insertion's result.
        std::optional<Path> Base = resolve(ME->getBase(), Steps + 1);
        if (!Base)
          return std::nullopt;
        if (Base->K == Path::Pair && Field->getName() == "second")
          return Path{Path::Container, Base->Key, Base->Depth + 1};
        if (Base->K == Path::InsertResult && Field->getName() == "first")
          return Path{Path::Iterator, Base->Key, Base->Depth};
        return std::nullopt;
      }
      if (const auto *Var = dyn_cast<VarDecl>(Member))
        if (std::optional<std::string> Key = keyOf(Var))
          return root(*Key, Var->getType());
      return std::nullopt;
    }
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *Binding = dyn_cast<BindingDecl>(Ref->getDecl()))
        return resolve(Binding->getBinding(), Steps + 1);
      const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
      if (!Var)
        return std::nullopt;
      if (Var->hasGlobalStorage()) {
        if (std::optional<std::string> Key = keyOf(Var->getCanonicalDecl()))
          return root(*Key, Var->getType());
        return std::nullopt;
      }
      auto Closure = ClosureVars.find(Var);
      if (Closure != ClosureVars.end())
        return Path{Closure->second.second ? Path::Pointer : Path::Container,
                    Closure->second.first, 0};
      if (!Var->getInit())
        return std::nullopt;
      std::optional<Path> Init = resolve(Var->getInit(), Steps + 1);
      if (!Init)
        return std::nullopt;
      // A reference names what it is bound to; a copy of an iterator still
      // points into the container, a copy of a container or element is new.
      if (Var->getType()->isReferenceType() || Init->K == Path::Iterator ||
          Init->K == Path::InsertResult)
        return Init;
      return std::nullopt;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (Op->getNumArgs() < 1)
        return std::nullopt;
      std::optional<Path> Arg = resolve(Op->getArg(0), Steps + 1);
      if (!Arg)
        return std::nullopt;
      switch (Op->getOperator()) {
      case OO_Subscript:
        if (Arg->K == Path::Container)
          return Path{Path::Container, Arg->Key, Arg->Depth + 1};
        return std::nullopt;
      case OO_Star:
      case OO_Arrow:
        if (Arg->K == Path::Pointer)
          return Path{Path::Container, Arg->Key, 0};
        if (Arg->K == Path::Iterator)
          return element(*Arg, isMapLevel(*Arg));
        return std::nullopt;
      default:
        return std::nullopt;
      }
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_Deref)
        return std::nullopt;
      std::optional<Path> Arg = resolve(UO->getSubExpr(), Steps + 1);
      if (Arg && Arg->K == Path::Iterator)
        return element(*Arg, isMapLevel(*Arg));
      return std::nullopt;
    }
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *Method = Call->getMethodDecl();
      if (!Method || !Method->getIdentifier())
        return std::nullopt;
      std::optional<Path> Object =
          resolve(Call->getImplicitObjectArgument(), Steps + 1);
      if (!Object || Object->K != Path::Container)
        return std::nullopt;
      llvm::StringRef Name = Method->getName();
      bool Map = isMapLevel(*Object);
      if (Name == "find" || Name == "begin" || Name == "end" ||
          Name == "lower_bound" || Name == "upper_bound" || Name == "rbegin")
        return Path{Path::Iterator, Object->Key, Object->Depth};
      if ((Name == "insert" || Name == "emplace" || Name == "try_emplace" ||
           Name == "insert_or_assign") &&
          isKeyedContainer(
              templateOf(Call->getImplicitObjectArgument()->getType())))
        return Path{Path::InsertResult, Object->Key, Object->Depth};
      if (Name == "at" || (!Map && (Name == "front" || Name == "back")))
        return Path{Path::Container, Object->Key, Object->Depth + 1};
      return std::nullopt;
    }
    // std::get<I> of a structured binding over a pair.
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (!Callee || !Callee->getIdentifier() || Callee->getName() != "get" ||
          Call->getNumArgs() != 1 || !Callee->getTemplateSpecializationArgs())
        return std::nullopt;
      const TemplateArgumentList *Args =
          Callee->getTemplateSpecializationArgs();
      if (Args->size() == 0 ||
          Args->get(0).getKind() != TemplateArgument::Integral)
        return std::nullopt;
      int64_t Index = Args->get(0).getAsIntegral().getExtValue();
      std::optional<Path> Tuple = resolve(Call->getArg(0), Steps + 1);
      if (!Tuple)
        return std::nullopt;
      if (Tuple->K == Path::Pair && Index == 1)
        return Path{Path::Container, Tuple->Key, Tuple->Depth + 1};
      if (Tuple->K == Path::InsertResult && Index == 0)
        return Path{Path::Iterator, Tuple->Key, Tuple->Depth};
      return std::nullopt;
    }
    return std::nullopt;
  }

  Path root(const std::string &Key, QualType T) {
    knowLevels(Key, T);
    return Path{Path::Container, Key, 0};
  }

  // How deep the nest under a root goes, and which of its levels are maps.
  void knowLevels(const std::string &Key, QualType T) {
    if (LevelCount.count(Key))
      return;
    std::vector<QualType> Levels = levelTypes(T);
    LevelCount[Key] = Levels.size();
    for (unsigned D = 0; D < Levels.size(); ++D)
      LevelMaps[levelKey(Key, D)] = isMapContainer(templateOf(Levels[D]));
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const HandleTypes &Handles;
  const llvm::Regex &CacheName;
  const FunctionDecl *Function = nullptr;
  unsigned ParamLoops = 0;
  std::vector<FunctionState> States;
  llvm::DenseMap<const ValueDecl *, std::optional<std::string>> Keys;
  llvm::StringMap<unsigned> LevelCount;
  llvm::StringMap<bool> LevelMaps;
  llvm::DenseMap<const FunctionDecl *, llvm::StringSet<>> SizeChecks;
  llvm::DenseMap<const FunctionDecl *, llvm::DenseSet<const VarDecl *>>
      ComparedVars;
  llvm::DenseMap<const LambdaExpr *, const FunctionDecl *> ReturnedLambdas;
  llvm::DenseMap<const LambdaExpr *, std::pair<std::string, Location>>
      KeptLambdas;
  llvm::DenseMap<const VarDecl *, std::pair<std::string, bool>> ClosureVars;
  llvm::StringSet<> EmittedClosures;
  llvm::DenseMap<const FunctionDecl *, llvm::DenseSet<const FunctionDecl *>>
      Callers;
  std::vector<std::pair<size_t, const FunctionDecl *>> InsertFunctions;
  llvm::StringSet<> ValueRecords;
  llvm::DenseMap<const CXXRecordDecl *, bool> WithContainers;
};

} // namespace

Facts collectContainerFacts(ASTContext &Ctx, const HandleTypes &Handles,
                            const llvm::Regex &CacheName) {
  Collector C(Ctx, Handles, CacheName);
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  C.finish();
  return mergeFacts({std::move(C.Out)});
}

} // namespace tenure::analyzer
