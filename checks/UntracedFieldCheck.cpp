//===- UntracedFieldCheck.cpp - tenure-untraced-field ---------------------===//
//
// For every class derived from the collectable base (tenure::Object) whose
// trace() this TU defines, or that holds traced handles and defines none:
// the fields holding traced handles (tenure::Ref, in containers too) must be
// visited, either by the class's trace or, for a base's fields, by the
// base's trace called from it; and every visited handle must be a field of
// `this`. A trace declared here but defined in another TU is not judged.
//
//===----------------------------------------------------------------------===//

#include "checks/UntracedFieldCheck.h"

#include "analyzer/ast/HandleTypes.h"
#include "checks/SourceLocations.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;
using namespace clang::ast_matchers;
using tenure::analyzer::HandleTypes;
using tenure::analyzer::HoldKind;

namespace tenure::checks {
namespace {

const CXXMethodDecl *traceMethod(const CXXRecordDecl *RD) {
  for (const CXXMethodDecl *M : RD->methods())
    if (M->getIdentifier() && M->getName() == "trace" &&
        M->getNumParams() == 1 && M->isVirtual())
      return M;
  return nullptr;
}

bool derivesFrom(const CXXRecordDecl *RD, llvm::StringRef Base,
                 unsigned Depth = 0) {
  if (!RD || !RD->hasDefinition() || Depth > 16)
    return false;
  for (const CXXBaseSpecifier &B : RD->getDefinition()->bases()) {
    const CXXRecordDecl *BaseDecl = B.getType()->getAsCXXRecordDecl();
    if (BaseDecl && (analyzer::recordName(BaseDecl) == Base ||
                     derivesFrom(BaseDecl, Base, Depth + 1)))
      return true;
  }
  return false;
}

// The field of `this` a visited expression belongs to: `kids`, `e.leaf`,
// `pair.first`, `*owned`, `(*this).next`, the element variable of a
// range-for over a field, a reference local bound to one. Null when it is
// not reached from `this` (a global, a local copy, another object's field).
const FieldDecl *ownedField(const Expr *E, unsigned Depth = 0) {
  if (!E || Depth > 12)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
    if (const auto *Deref = dyn_cast<UnaryOperator>(Base);
        Deref && Deref->getOpcode() == UO_Deref)
      Base = Deref->getSubExpr()->IgnoreParenImpCasts();
    if (isa<CXXThisExpr>(Base))
      return dyn_cast<FieldDecl>(ME->getMemberDecl());
    // A member of an owned sub-object, but not through another object's
    // pointer: `peer->next` reaches what `peer` points to.
    if (ME->isArrow() && !isa<CXXThisExpr>(Base))
      if (Base->getType()->isPointerType())
        return nullptr;
    return ownedField(ME->getBase(), Depth + 1);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_Deref ? ownedField(UO->getSubExpr(), Depth + 1)
                                       : nullptr;
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E)) {
    OverloadedOperatorKind Op = OCE->getOperator();
    if (Op == OO_Star || Op == OO_Arrow || Op == OO_Subscript)
      return ownedField(OCE->getArg(0), Depth + 1);
    return nullptr;
  }
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E)) // begin(), value()
    return MCE->getNumArgs() == 0
               ? ownedField(MCE->getImplicitObjectArgument(), Depth + 1)
               : nullptr;
  if (const auto *Call = dyn_cast<CallExpr>(E)) // std::get<I>(pair)
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      if (Callee->isInStdNamespace() && Callee->getIdentifier() &&
          Callee->getName() == "get" && Call->getNumArgs() == 1)
        return ownedField(Call->getArg(0), Depth + 1);
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    // References and the range-for machinery (__range, __begin) alias what
    // they were initialised from; a by-value local is a copy it owns.
    if (Var && Var->isLocalVarDecl() && Var->getInit() &&
        (Var->getType()->isReferenceType() || Var->isImplicit()))
      return ownedField(Var->getInit(), Depth + 1);
    if (Var && Var->isLocalVarDecl() && Var->isCXXForRangeDecl())
      return nullptr;
  }
  return nullptr;
}

// Calls inside a trace body: t(x), t("name", x), TENURE_TRACE(t, x), and
// Base::trace(t).
class TraceBodyVisitor : public RecursiveASTVisitor<TraceBodyVisitor> {
public:
  explicit TraceBodyVisitor(const ParmVarDecl *Tracer) : Tracer(Tracer) {}

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Call) {
    if (Call->getOperator() != OO_Call || Call->getNumArgs() < 2 ||
        !refersToTracer(Call->getArg(0)))
      return true;
    Visits.push_back({Call, Call->getArg(Call->getNumArgs() - 1)});
    ++AccountedUses;
    return true;
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *Call) {
    const CXXMethodDecl *Callee = Call->getMethodDecl();
    if (Callee && Callee->getIdentifier() && Callee->getName() == "trace" &&
        Call->getNumArgs() == 1 && refersToTracer(Call->getArg(0))) {
      BaseTraces.insert(Callee->getParent());
      ++AccountedUses;
    }
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *Ref) {
    if (Ref->getDecl() == Tracer)
      ++Uses;
    return true;
  }

  /// The tracer goes somewhere this visitor does not follow (a helper, an
  /// alias): what it visits there is unknown.
  bool tracerEscapes() const { return Uses > AccountedUses; }

  struct Visit {
    const CXXOperatorCallExpr *Call;
    const Expr *Arg;
  };
  std::vector<Visit> Visits;
  llvm::SmallPtrSet<const CXXRecordDecl *, 4> BaseTraces;

private:
  bool refersToTracer(const Expr *E) const {
    const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return Ref && Ref->getDecl() == Tracer;
  }
  const ParmVarDecl *Tracer;
  unsigned Uses = 0;
  unsigned AccountedUses = 0;
};

bool statementOfItsOwn(ASTContext &Ctx, const Stmt *S) {
  for (int Depth = 0; Depth < 4; ++Depth) {
    DynTypedNodeList Parents = Ctx.getParents(*S);
    if (Parents.size() != 1)
      return false;
    if (Parents[0].get<CompoundStmt>())
      return true;
    S = Parents[0].get<ExprWithCleanups>();
    if (!S)
      return false;
  }
  return false;
}

} // namespace

UntracedFieldCheck::UntracedFieldCheck(StringRef Name,
                                       tidy::ClangTidyContext *Context)
    : TenureCheck(Name, Context,
                  {"TracedHandles", "::tenure::Ref", /*Global=*/false}),
      CollectableBase(Options.get("CollectableBase", "::tenure::Object")) {}

void UntracedFieldCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  TenureCheck::storeOptions(Opts);
  Options.store(Opts, "CollectableBase", CollectableBase);
}

void UntracedFieldCheck::registerMatchers(MatchFinder *Finder) {
  limitToUserCode(Finder);
  Finder->addMatcher(cxxRecordDecl(isDefinition(),
                                   unless(isExpansionInSystemHeader()),
                                   isDerivedFrom(CollectableBase))
                         .bind("record"),
                     this);
}

void UntracedFieldCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *RD = Result.Nodes.getNodeAs<CXXRecordDecl>("record");
  if (!RD || RD->isDependentType() || RD->isLambda())
    return;
  const SourceManager &SM = *Result.SourceManager;
  const LangOptions &LO = Result.Context->getLangOpts();
  const HandleTypes &Handles = handles();
  llvm::StringRef CollectableName = llvm::StringRef(CollectableBase).ltrim(':');

  auto tracedFields = [&](const CXXRecordDecl *Record) {
    llvm::SmallVector<const FieldDecl *, 8> Fields;
    for (const FieldDecl *Field : Record->fields())
      for (const analyzer::Held &H : Handles.held(Field->getType()))
        // A handle to a non-collectable type (tenure::SharedObject) is
        // never traced; an incomplete target might be collectable.
        if (H.Kind == HoldKind::Strong &&
            (!H.Target->hasDefinition() ||
             analyzer::recordName(H.Target) == CollectableName ||
             derivesFrom(H.Target, CollectableName))) {
          Fields.push_back(Field);
          break;
        }
    return Fields;
  };

  // Each direct base is a branch: its classes, their traced fields (a
  // virtual base's once), and the nearest class in it that defines trace.
  struct Branch {
    const CXXRecordDecl *Tracing = nullptr;
    llvm::SmallPtrSet<const CXXRecordDecl *, 4> Classes;
    llvm::SmallVector<const FieldDecl *, 4> Fields;
  };
  llvm::SmallVector<Branch, 2> Branches;
  llvm::SmallPtrSet<const FieldDecl *, 8> SeenFields;
  std::function<void(const CXXRecordDecl *, Branch &)> Walk =
      [&](const CXXRecordDecl *Record, Branch &Into) {
        for (const CXXBaseSpecifier &Base : Record->bases()) {
          const CXXRecordDecl *B = Base.getType()->getAsCXXRecordDecl();
          if (!B || !B->hasDefinition() ||
              analyzer::recordName(B) == CollectableName)
            continue;
          B = B->getDefinition();
          Into.Classes.insert(B);
          for (const FieldDecl *Field : tracedFields(B))
            if (SeenFields.insert(Field).second)
              Into.Fields.push_back(Field);
          if (!Into.Tracing && traceMethod(B))
            Into.Tracing = B;
          Walk(B, Into);
        }
      };
  for (const CXXBaseSpecifier &Base : RD->bases()) {
    const CXXRecordDecl *B = Base.getType()->getAsCXXRecordDecl();
    if (!B || !B->hasDefinition() || analyzer::recordName(B) == CollectableName)
      continue;
    Branch Into;
    B = B->getDefinition();
    Into.Classes.insert(B);
    for (const FieldDecl *Field : tracedFields(B))
      if (SeenFields.insert(Field).second)
        Into.Fields.push_back(Field);
    if (traceMethod(B))
      Into.Tracing = B;
    Walk(B, Into);
    Branches.push_back(std::move(Into));
  }
  llvm::SmallVector<const CXXRecordDecl *, 4> TracingBases;
  for (const Branch &B : Branches)
    if (B.Tracing)
      TracingBases.push_back(B.Tracing);

  llvm::SmallVector<const FieldDecl *, 8> Own = tracedFields(RD);
  const CXXMethodDecl *Trace = traceMethod(RD);

  if (!Trace) {
    // The inherited trace covers the bases' fields; only own ones can be
    // missing, unless that trace hands the tracer on (CRTP, a virtual
    // helper) and may well visit them.
    if (Own.empty())
      return;
    if (!TracingBases.empty()) {
      const FunctionDecl *Inherited = nullptr;
      if (traceMethod(TracingBases.front())->hasBody(Inherited) &&
          Inherited->getBody()) {
        TraceBodyVisitor BaseVisitor(Inherited->getParamDecl(0));
        BaseVisitor.TraverseStmt(Inherited->getBody());
        if (BaseVisitor.tracerEscapes())
          return;
      }
    }
    std::string Names, Calls;
    for (const FieldDecl *Field : Own) {
      Names += (Names.empty() ? "'" : ", '") + Field->getNameAsString() + "'";
      Calls += " t(" + Field->getNameAsString() + ");";
    }
    std::string Base =
        TracingBases.empty()
            ? std::string()
            : " " + analyzer::recordName(TracingBases.front()) + "::trace(t);";
    {
      auto Diag =
          diagIn(*RD, RD->getLocation(),
                 "'%0' holds traced handles (%1) but does not override "
                 "trace(); the collector cannot free cycles through them")
          << RD->getName() << Names;
      SourceLocation Close = RD->getBraceRange().getEnd();
      if (Close.isValid() && !Close.isMacroID())
        Diag << FixItHint::CreateInsertion(
            Close, "  void trace(tenure::Tracer &t) override {" + Base + Calls +
                       " }\n");
    } // The warning is emitted before its notes.
    for (const FieldDecl *Field : Own)
      diag(Field->getLocation(), "'%0' declared here", DiagnosticIDs::Note)
          << Field->getName();
    return;
  }

  const FunctionDecl *Definition = nullptr;
  if (!Trace->hasBody(Definition) || !Definition->getBody())
    return; // Defined in another TU: judged there.
  const ParmVarDecl *Tracer = Definition->getParamDecl(0);
  TraceBodyVisitor Visitor(Tracer);
  Visitor.TraverseStmt(Definition->getBody());

  llvm::SmallPtrSet<const FieldDecl *, 8> Visited;
  for (const TraceBodyVisitor::Visit &V : Visitor.Visits) {
    const Expr *Arg = V.Arg->IgnoreParenImpCasts();
    if (const FieldDecl *Field = ownedField(Arg)) {
      Visited.insert(Field);
      continue;
    }
    // Only handles matter: visiting a local int is harmless nonsense.
    bool VisitsHandle = false;
    for (const analyzer::Held &H : Handles.held(Arg->getType()))
      VisitsHandle |= H.Kind == HoldKind::Strong;
    if (!VisitsHandle)
      continue;
    std::string Text =
        Lexer::getSourceText(
            CharSourceRange::getTokenRange(Arg->getSourceRange()), SM, LO)
            .str();
    auto Diag = diagIn(*Definition, Arg->getBeginLoc(),
                       "'%0::trace' visits '%1', which '%0' does not own; the "
                       "collector could free objects still in use")
                << RD->getName() << Text;
    // Remove the whole `t(...);` statement when it stands alone.
    SourceLocation End = Lexer::findLocationAfterToken(
        V.Call->getEndLoc(), tok::semi, SM, LO,
        /*SkipTrailingWhitespaceAndNewLine=*/true);
    if (End.isValid() && !V.Call->getBeginLoc().isMacroID() &&
        statementOfItsOwn(*Result.Context, V.Call))
      Diag << FixItHint::CreateRemoval(
          CharSourceRange::getCharRange(V.Call->getBeginLoc(), End));
  }

  // The tracer handed to a helper may visit anything: judge no omission.
  if (Visitor.tracerEscapes())
    return;
  const auto *Body = dyn_cast<CompoundStmt>(Definition->getBody());
  bool CanFix =
      Body && !Body->getRBracLoc().isMacroID() && !Tracer->getName().empty();

  // A base's fields: calling that base's trace is the fix, one branch at a
  // time (calling A::trace does not visit the fields of another base B).
  llvm::SmallVector<const FieldDecl *, 8> MissingInBases;
  for (const Branch &B : Branches) {
    bool Called = llvm::any_of(B.Classes, [&](const CXXRecordDecl *Class) {
      return Visitor.BaseTraces.contains(Class);
    });
    llvm::SmallVector<const FieldDecl *, 4> Unvisited;
    for (const FieldDecl *Field : B.Fields)
      if (!Called && !Visited.contains(Field))
        Unvisited.push_back(Field);
    if (Unvisited.empty())
      continue;
    if (!B.Tracing) {
      llvm::append_range(MissingInBases, Unvisited);
      continue;
    }
    std::string Names;
    for (const FieldDecl *Field : Unvisited)
      Names += (Names.empty() ? "'" : ", '") +
               (Field->getParent()->getName() + "::" + Field->getName()).str() +
               "'";
    auto Diag = diagIn(*Definition, Definition->getLocation(),
                       "'%0::trace' does not call '%1::trace', so %2 %3 not "
                       "visited; the collector cannot free cycles through them")
                << RD->getName() << B.Tracing->getName() << Names
                << (Unvisited.size() == 1 ? "is" : "are");
    if (CanFix)
      Diag << FixItHint::CreateInsertion(
          Body->getLBracLoc().getLocWithOffset(1),
          (" " + B.Tracing->getName() + "::trace(" + Tracer->getName() + ");")
              .str());
  }

  llvm::SmallVector<const FieldDecl *, 8> Missing;
  for (const FieldDecl *Field : Own)
    if (!Visited.contains(Field))
      Missing.push_back(Field);
  llvm::append_range(Missing, MissingInBases);
  for (const FieldDecl *Field : Missing) {
    {
      auto Diag =
          diagIn(*Definition, Definition->getLocation(),
                 "'%0::trace' does not visit '%1'; the collector cannot "
                 "free cycles through it")
          << RD->getName() << Field->getName();
      // A base's private field cannot be named from here.
      bool Accessible =
          Field->getParent() == RD || Field->getAccess() != AS_private;
      if (CanFix && Accessible)
        Diag << FixItHint::CreateInsertion(
            Body->getRBracLoc(),
            (Tracer->getName() + "(" +
             (Field->getName() == Tracer->getName() ? "this->" : "") +
             Field->getName() + "); ")
                .str());
    }
    diag(Field->getLocation(), "'%0' declared here", DiagnosticIDs::Note)
        << Field->getName();
  }
}

} // namespace tenure::checks
