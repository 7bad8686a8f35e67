//===- CycleFinder.cpp - Strong-handle cycles the code closes -------------===//

#include "analyzer/model/CycleFinder.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include <deque>
#include <set>

namespace tenure::analyzer {
namespace {

std::string fieldKey(llvm::StringRef Owner, llvm::StringRef Field) {
  return (Owner + "::" + Field).str();
}

/// One edge of the ownership graph. Strong and member edges come from field
/// declarations; callback edges from a lambda stored into a callable field.
struct Edge {
  std::string Owner;
  std::string Field;
  std::string Target;
  FieldKind Kind = FieldKind::Strong;
  const FieldFact *Decl = nullptr;  ///< Null for a callback without a field.
  const StoreFact *Lambda = nullptr; ///< Callback edges: the store.
};

/// An edge as walked: from a concrete record to a concrete record (which
/// may be a subclass of the declared owner or target).
struct Step {
  const Edge *Via;
  std::string From;
  std::string To;
  bool Populated = true; ///< Some store could have made this step.
};

/// What a path back may use beyond populated edges, and what it may not.
struct PathRules {
  bool NonEmpty = false;
  std::string ExcludedField;              ///< "Owner::field" never walked.
  std::vector<std::string> AlsoPopulated; ///< Known filled by the code.
};

class OwnershipGraph {
public:
  explicit OwnershipGraph(const Facts &F);
  std::vector<CycleFinding> findings();

private:
  void addResolvedStores(const Facts &F);
  const llvm::StringSet<> &ancestors(const std::string &Record);
  bool isSelfOrSubclass(llvm::StringRef Record, llvm::StringRef Of);
  bool populated(const Edge &E, llvm::StringRef Arrival);
  const std::vector<Step> &stepsFrom(const std::string &Record);
  std::optional<std::vector<Step>> shortestPath(const std::string &From,
                                                llvm::StringRef GoalOwner,
                                                const PathRules &Rules);
  std::optional<std::vector<Step>> pairedStep(const std::string &From,
                                              llvm::StringRef GoalOwner,
                                              llvm::StringRef PartnerField);
  void report(const StoreFact &At, std::vector<Step> Cycle);
  static std::string cycleKey(const std::vector<Step> &Cycle);

  llvm::StringMap<std::vector<std::string>> Bases;
  llvm::StringMap<std::vector<std::string>> DirectSubclasses;
  llvm::StringMap<llvm::StringSet<>> AncestorCache;
  std::deque<StoreFact> Stores; ///< Facts' stores plus resolved calls.
  llvm::StringMap<std::vector<const StoreFact *>> StoresByField;
  std::deque<Edge> Edges;
  llvm::StringMap<std::vector<const Edge *>> EdgesByOwner;
  llvm::StringMap<std::vector<Step>> StepCache;
  std::set<std::string> ReportedCycles;
  std::vector<CycleFinding> Out;
};

OwnershipGraph::OwnershipGraph(const Facts &F) {
  for (const RecordFact &R : F.Records) {
    Bases[R.Name] = R.Bases;
    for (const std::string &Base : R.Bases)
      DirectSubclasses[Base].push_back(R.Name);
  }
  addResolvedStores(F);
  for (const StoreFact &S : Stores)
    StoresByField[fieldKey(S.Owner, S.Field)].push_back(&S);

  for (const FieldFact &FF : F.Fields) {
    if (FF.Kind == FieldKind::Callback)
      continue;
    Edges.push_back({FF.Owner, FF.Field, FF.Target, FF.Kind, &FF, nullptr});
  }
  llvm::StringMap<const FieldFact *> CallbackFields;
  for (const FieldFact &FF : F.Fields)
    if (FF.Kind == FieldKind::Callback)
      CallbackFields[fieldKey(FF.Owner, FF.Field)] = &FF;
  for (const StoreFact &S : Stores) {
    if (S.Value != ValueKind::Lambda)
      continue;
    const FieldFact *Decl = CallbackFields.lookup(fieldKey(S.Owner, S.Field));
    if (!Decl)
      continue;
    for (const std::string &Captured : S.Captures)
      Edges.push_back({S.Owner, S.Field, Captured, FieldKind::Callback, Decl, &S});
  }
  for (const Edge &E : Edges)
    EdgesByOwner[E.Owner].push_back(&E);
}

// A store of a function's parameter becomes, at every call that passes a
// self-handle or a capturing lambda in that position, a store at the call.
void OwnershipGraph::addResolvedStores(const Facts &F) {
  llvm::StringMap<std::vector<const CallFact *>> CallsByCallee;
  for (const CallFact &C : F.Calls)
    CallsByCallee[C.Callee].push_back(&C);
  for (const StoreFact &S : F.Stores) {
    Stores.push_back(S);
    if (S.Value != ValueKind::Param)
      continue;
    for (const CallFact *C : CallsByCallee.lookup(S.Function)) {
      if (C->ArgIndex != S.ParamIndex)
        continue;
      StoreFact At = S;
      At.Loc = C->Loc;
      At.Value = C->Value;
      At.ValueType = C->ValueType;
      At.Captures = C->Captures;
      At.CapturesSelf = C->CapturesSelf;
      At.Closes = C->Value == ValueKind::SelfHandle || C->CapturesSelf;
      At.IntoOtherObject = !(C->OnThis && !S.IntoOtherObject);
      At.ThroughFields = C->ThroughFields;
      Stores.push_back(std::move(At));
    }
  }
}

const llvm::StringSet<> &OwnershipGraph::ancestors(const std::string &Record) {
  auto [It, Inserted] = AncestorCache.try_emplace(Record);
  if (!Inserted)
    return It->second;
  llvm::StringSet<> Found;
  std::vector<std::string> Work = {Record};
  while (!Work.empty()) {
    std::string Current = Work.back();
    Work.pop_back();
    if (!Found.insert(Current).second)
      continue;
    auto B = Bases.find(Current);
    if (B != Bases.end())
      llvm::append_range(Work, B->second);
  }
  return AncestorCache[Record] = std::move(Found);
}

bool OwnershipGraph::isSelfOrSubclass(llvm::StringRef Record,
                                      llvm::StringRef Of) {
  return ancestors(Record.str()).contains(Of);
}

// Strong edges need a store that could have made them: any store for the
// declared target, a store of a matching type when landing on a subclass.
bool OwnershipGraph::populated(const Edge &E, llvm::StringRef Arrival) {
  if (E.Kind != FieldKind::Strong)
    return true;
  for (const StoreFact *S : StoresByField.lookup(fieldKey(E.Owner, E.Field))) {
    if (S->Value == ValueKind::Lambda || S->Value == ValueKind::Cleared)
      continue;
    if (Arrival == E.Target)
      return true;
    if (!S->ValueType.empty() && isSelfOrSubclass(S->ValueType, Arrival))
      return true;
  }
  return false;
}

// StringMap entries do not move when the map grows, so the reference stays
// valid while the search adds other records' steps.
const std::vector<Step> &OwnershipGraph::stepsFrom(const std::string &Record) {
  auto Cached = StepCache.find(Record);
  if (Cached != StepCache.end())
    return Cached->second;
  std::vector<Step> Steps;
  for (const auto &Owner : ancestors(Record)) {
    for (const Edge *E : EdgesByOwner.lookup(Owner.getKey())) {
      // The target itself, then every subclass it may land on.
      std::vector<std::string> Arrivals = {E->Target};
      for (size_t I = 0; I < Arrivals.size() && E->Kind != FieldKind::Callback;
           ++I)
        llvm::append_range(Arrivals, DirectSubclasses.lookup(Arrivals[I]));
      llvm::StringSet<> Seen;
      for (const std::string &To : Arrivals)
        if (Seen.insert(To).second)
          Steps.push_back({E, Record, To, populated(*E, To)});
    }
  }
  llvm::sort(Steps, [](const Step &A, const Step &B) {
    return std::tie(A.Via->Owner, A.Via->Field, A.To) <
           std::tie(B.Via->Owner, B.Via->Field, B.To);
  });
  return StepCache[Record] = std::move(Steps);
}

std::optional<std::vector<Step>>
OwnershipGraph::shortestPath(const std::string &From, llvm::StringRef GoalOwner,
                             const PathRules &Rules) {
  if (!Rules.NonEmpty && isSelfOrSubclass(From, GoalOwner))
    return std::vector<Step>{};
  llvm::StringMap<Step> Parent;
  std::deque<std::string> Queue = {From};
  llvm::StringSet<> Visited = {From};
  while (!Queue.empty()) {
    std::string Current = Queue.front();
    Queue.pop_front();
    for (const Step &S : stepsFrom(Current)) {
      std::string Key = fieldKey(S.Via->Owner, S.Via->Field);
      if (Key == Rules.ExcludedField ||
          (!S.Populated && !llvm::is_contained(Rules.AlsoPopulated, Key)))
        continue;
      if (isSelfOrSubclass(S.To, GoalOwner)) {
        std::vector<Step> Path = {S};
        for (std::string At = Current; At != From;) {
          const Step &Back = Parent.find(At)->second;
          Path.push_back(Back);
          At = Back.From;
        }
        std::reverse(Path.begin(), Path.end());
        return Path;
      }
      if (Visited.insert(S.To).second) {
        Parent.try_emplace(S.To, S);
        Queue.push_back(S.To);
      }
    }
  }
  return std::nullopt;
}

std::optional<std::vector<Step>>
OwnershipGraph::pairedStep(const std::string &From, llvm::StringRef GoalOwner,
                           llvm::StringRef PartnerField) {
  for (const Step &S : stepsFrom(From))
    if (fieldKey(S.Via->Owner, S.Via->Field) == PartnerField &&
        isSelfOrSubclass(S.To, GoalOwner))
      return std::vector<Step>{S};
  return std::nullopt;
}

std::string OwnershipGraph::cycleKey(const std::vector<Step> &Cycle) {
  std::vector<std::string> Parts;
  for (const Step &S : Cycle)
    Parts.push_back(S.From + "." + S.Via->Field + ">" + S.To);
  llvm::sort(Parts);
  return llvm::join(Parts, "|");
}

std::string describeEdge(const Step &S) {
  const Edge &E = *S.Via;
  std::string Field = "'" + fieldKey(shownName(E.Owner), E.Field) + "'";
  std::string Target = shownName(E.Target).str();
  std::string Landing =
      S.To != E.Target ? " (here a '" + shownName(S.To).str() + "')"
                       : std::string();
  switch (E.Kind) {
  case FieldKind::Strong:
    if (E.Decl && E.Decl->InContainer)
      return llvm::formatv("{0} holds strong handles to '{1}'{2} in a '{3}'",
                           Field, Target, Landing, E.Decl->TypeSpelling);
    return llvm::formatv("{0} holds a strong handle to '{1}'{2}", Field,
                         Target, Landing);
  case FieldKind::Member:
    return llvm::formatv("{0} owns a '{1}'{2}", Field, Target, Landing);
  case FieldKind::Callback:
    return llvm::formatv(
        "{0} holds a lambda that captures a strong handle to '{1}'", Field,
        Target);
  }
  llvm_unreachable("unknown edge kind");
}

void OwnershipGraph::report(const StoreFact &At, std::vector<Step> Cycle) {
  if (!ReportedCycles.insert(cycleKey(Cycle)).second)
    return;
  const Edge &Back = *Cycle.front().Via;

  // Weakening the only edge of a one-type loop closed by walking it (a ring
  // of list nodes) would break the list itself: no fix-it there.
  bool Ring = Cycle.size() == 1 && At.Value != ValueKind::SelfHandle;

  CycleFinding Finding;
  std::string Path = shownName(Cycle.front().From).str();
  for (const Step &S : Cycle) {
    Path += " -" + S.Via->Field + "-> " + shownName(S.To).str();
    Finding.Types.push_back(shownName(S.From).str());
    Finding.Fields.push_back(S.Via->Field);
    Finding.UntracedEdge |= S.Via->Kind == FieldKind::Callback;
  }
  Finding.BackEdge = fieldKey(shownName(Back.Owner), Back.Field);
  std::string Advice =
      Back.Kind == FieldKind::Callback
          ? "capture a weak handle in the lambda stored in '" +
                Finding.BackEdge + "'"
      : Ring ? "break the loop before its last outside handle goes, or hold "
               "'" + Finding.BackEdge + "' weakly"
      : Back.Decl && Back.Decl->InContainer
          ? "hold weak handles in '" + Finding.BackEdge + "'"
          : "make '" + Finding.BackEdge + "' a weak handle";
  Finding.Message = llvm::formatv(
      "strong reference cycle {0} closed here: its objects are never freed "
      "by reference counting; {1}",
      Path, Advice);
  Finding.Loc = At.Loc;
  for (const Step &S : Cycle) {
    Location At = S.Via->Lambda ? S.Via->Lambda->Loc : S.Via->Decl->Loc;
    Finding.Notes.push_back({At, describeEdge(S)});
  }
  if (Back.Kind == FieldKind::Strong && Back.Decl && !Back.Decl->InContainer &&
      !Ring)
    Finding.Fix = Back.Decl->WeakFix;
  Out.push_back(std::move(Finding));
}

std::vector<CycleFinding> OwnershipGraph::findings() {
  // Cycles a statement closes.
  std::vector<const StoreFact *> Closing;
  for (const StoreFact &S : Stores)
    if (S.Closes)
      Closing.push_back(&S);
  llvm::sort(Closing, [](const StoreFact *A, const StoreFact *B) {
    return A->Loc < B->Loc;
  });
  // A callback field that code empties (moves out, resets, assigns null)
  // holds a one-shot handler: the cycle ends when the handler runs.
  llvm::StringSet<> ClearedFields;
  for (const StoreFact &S : Stores)
    if (S.Value == ValueKind::Cleared)
      ClearedFields.insert(fieldKey(S.Owner, S.Field));
  for (const StoreFact *S : Closing) {
    for (const Edge *E : EdgesByOwner.lookup(S->Owner)) {
      if (E->Field != S->Field)
        continue;
      std::string Arrival;
      if (E->Kind == FieldKind::Callback) {
        if (E->Lambda != S || ClearedFields.contains(fieldKey(S->Owner, S->Field)))
          continue;
        // A self-capturing lambda closes the cycle through the self edge.
        if (S->CapturesSelf && !S->ValueType.empty() &&
            E->Target != S->ValueType)
          continue;
        Arrival = E->Target;
      } else {
        Arrival = !S->ValueType.empty() && S->ValueType != E->Target &&
                          isSelfOrSubclass(S->ValueType, E->Target)
                      ? S->ValueType
                      : E->Target;
      }
      std::optional<std::vector<Step>> Back =
          S->ClosesWith.empty() ? std::nullopt
                                : pairedStep(Arrival, S->Owner, S->ClosesWith);
      // Storing a self-handle into another object of the kind the field
      // already links (a node into a list, a child into its parent's
      // children) is the structure itself, not a way back: the path back
      // may not walk the field stored into.
      PathRules Rules;
      Rules.NonEmpty = S->IntoOtherObject;
      if (S->IntoOtherObject)
        Rules.ExcludedField = fieldKey(S->Owner, S->Field);
      Rules.AlsoPopulated = S->ThroughFields;
      if (!Back)
        Back = shortestPath(Arrival, S->Owner, Rules);
      if (!Back)
        continue;
      // The concrete record written to is where the path arrives.
      std::string Start = Back->empty() ? Arrival : Back->back().To;
      std::vector<Step> Cycle = {{E, Start, Arrival}};
      llvm::append_range(Cycle, *Back);
      report(*S, std::move(Cycle));
      break;
    }
  }

  llvm::sort(Out, [](const CycleFinding &A, const CycleFinding &B) {
    return A.Loc < B.Loc;
  });
  return std::move(Out);
}

} // namespace

std::vector<CycleFinding> findCycles(const Facts &F) {
  return OwnershipGraph(F).findings();
}

} // namespace tenure::analyzer
