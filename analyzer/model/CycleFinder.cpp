//===- CycleFinder.cpp - Strong-handle cycles the code closes -------------===//

#include "analyzer/model/CycleFinder.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include <deque>
#include <functional>
#include <map>
#include <set>

namespace tenure::analyzer {
namespace {

// The message of a cycle finding, whichever engine found the loop.
std::string cycleMessage(llvm::StringRef Path, llvm::StringRef Advice) {
  return llvm::formatv("strong reference cycle {0} closed here: its objects "
                       "are never freed by reference counting; {1}",
                       Path, Advice);
}

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
  const FieldFact *Decl = nullptr;   ///< Null for a callback without a field.
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

//===-- Cycles in the functions' abstract heaps ---------------------------===//

/// One function's heap with the summaries of its callees applied at the
/// calls: objects made equal by a callee (it returns its argument) are one
/// node (union-find), and what a field of a node holds is one node.
class InstantiatedHeap {
public:
  struct Node {
    ObjectKind Kind = ObjectKind::Opaque;
    std::string Type;
    Location Loc;
    bool Bind = false;
    int Parent = -1;   ///< Member nodes: the node they are reached from.
    std::string Field; ///< Member nodes: "Owner::field".
  };
  struct Arc {
    int From, To;
    HeapEdgeKind Kind;
    std::string Owner, Field;
    Location Loc;  ///< The statement of the function that makes it.
    Location Made; ///< Where the edge itself is made (a callee's store).
    bool Implicit = false; ///< A member path read, not a statement.
  };

  InstantiatedHeap(const FunctionFact &F,
                   const llvm::StringMap<const FunctionFact *> &Summaries)
      : Summaries(Summaries) {
    std::vector<int> Map;
    for (const HeapObject &O : F.Objects)
      Map.push_back(add(O, Map));
    for (const HeapEdge &E : F.Edges)
      arc(Map, E, E.Loc);
    llvm::SmallVector<llvm::StringRef, 8> Active = {F.Key};
    for (const HeapCall &C : F.Calls)
      apply(C, Map, C.Loc, Active);
    closeMembers();
  }

  int find(int N) {
    while (Union[N] != N)
      N = Union[N] = Union[Union[N]];
    return N;
  }

  std::vector<Node> Nodes;
  std::vector<Arc> Arcs;

private:
  int fresh(const HeapObject &O) {
    Node N;
    N.Kind = O.Kind;
    N.Type = O.Type;
    N.Loc = O.Loc;
    N.Bind = O.Bind;
    Nodes.push_back(std::move(N));
    Union.push_back(static_cast<int>(Union.size()));
    return static_cast<int>(Nodes.size()) - 1;
  }
  int member(int Parent, const HeapObject &O) {
    auto Key = std::make_pair(find(Parent), O.Field);
    if (auto It = Members.find(Key); It != Members.end())
      return It->second;
    int N = fresh(O);
    Nodes[N].Parent = Parent;
    Nodes[N].Field = O.Field;
    // An InstantiatedHeap lives for one function's cycle search; its memo of
    // member nodes dies with it.
    Members[Key] = N; // NOLINT(tenure-unbounded-cache)
    return N;
  }
  // The node object \p O of a heap maps to, given the nodes its earlier
  // objects map to (a member's parent always comes first).
  int add(const HeapObject &O, const std::vector<int> &Map) {
    if (O.Kind == ObjectKind::Member && O.Index >= 0 &&
        static_cast<size_t>(O.Index) < Map.size() && Map[O.Index] >= 0)
      return member(Map[O.Index], O);
    return fresh(O);
  }
  static int mapped(const std::vector<int> &Map, int Obj) {
    return Obj >= 0 && static_cast<size_t>(Obj) < Map.size() ? Map[Obj] : -1;
  }
  void arc(const std::vector<int> &Map, const HeapEdge &E, const Location &At) {
    int From = mapped(Map, E.From), To = mapped(Map, E.To);
    if (From < 0 || To < 0)
      return;
    Arcs.push_back({From, To, E.Kind, E.Owner, E.Field, At, E.Loc, false});
  }
  void apply(const HeapCall &C, const std::vector<int> &Map, const Location &At,
             llvm::SmallVectorImpl<llvm::StringRef> &Active) {
    const FunctionFact *S = Summaries.lookup(C.Callee);
    if (!S || Active.size() > 4 || llvm::is_contained(Active, S->Key))
      return;
    std::vector<int> Inner;
    for (const HeapObject &O : S->Objects) {
      int N = -1;
      if (O.Kind == ObjectKind::This)
        N = mapped(Map, C.Receiver);
      else if (O.Kind == ObjectKind::Param && O.Index >= 0 &&
               static_cast<size_t>(O.Index) < C.Args.size())
        N = mapped(Map, C.Args[O.Index]);
      Inner.push_back(N >= 0 ? N : add(O, Inner));
    }
    if (S->Returns >= 0 && C.Result >= 0)
      unite(Inner[S->Returns], mapped(Map, C.Result));
    for (const HeapEdge &E : S->Edges)
      arc(Inner, E, At);
    Active.push_back(S->Key);
    for (const HeapCall &Nested : S->Calls)
      apply(Nested, Inner, At, Active);
    Active.pop_back();
  }
  void unite(int A, int B) {
    if (A < 0 || B < 0)
      return;
    A = find(A);
    B = find(B);
    if (A != B)
      Union[B] = A;
  }
  // Two member nodes of one object through one field are one node, also
  // when their parents became one only later.
  void closeMembers() {
    for (bool Changed = true; Changed;) {
      Changed = false;
      std::map<std::pair<int, std::string>, int> Seen;
      for (int N = 0; N < static_cast<int>(Nodes.size()); ++N) {
        if (Nodes[N].Parent < 0)
          continue;
        auto [It, Inserted] =
            Seen.try_emplace({find(Nodes[N].Parent), Nodes[N].Field}, N);
        if (!Inserted && find(It->second) != find(N)) {
          unite(It->second, N);
          Changed = true;
        }
      }
    }
  }

  const llvm::StringMap<const FunctionFact *> &Summaries;
  std::vector<int> Union;
  std::map<std::pair<int, std::string>, int> Members;
};

/// One edge of a cycle found in a heap, as reported: a closure stored in a
/// callable field (or given to an executor) and what it captures are one
/// step.
struct HeapStep {
  enum Kinds { Strong, Member, Owned, Callback, Capture, Pending };
  Kinds Kind = Strong;
  const FieldFact *Decl = nullptr;
  std::string Owner, Field, From, To;
  Location At; ///< The statement that makes it (none for a member read).
  bool Bind = false;
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
  void heapFindings();
  void heapCycles(InstantiatedHeap H);
  void reportHeapCycle(const InstantiatedHeap &H, std::vector<size_t> Cycle,
                       const std::vector<HeapStep::Kinds> &Kinds,
                       const std::vector<const FieldFact *> &Decls);
  std::optional<HeapStep::Kinds> arcKind(const InstantiatedHeap::Arc &A,
                                         const FieldFact *&Decl) const;

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
  /// The fields of each reported cycle: the heaps do not report again what
  /// the type graph reported through other landing types or rotations.
  std::set<std::set<std::string>> ReportedFieldSets;
  std::vector<CycleFinding> Out;
  const Facts &AllFacts;
  llvm::StringMap<std::vector<const FieldFact *>> FieldsByKey;
  /// Callback fields that code empties: one-shot handlers, not cycle edges.
  llvm::StringSet<> ClearedFields;
};

OwnershipGraph::OwnershipGraph(const Facts &F) : AllFacts(F) {
  for (const FieldFact &FF : F.Fields)
    FieldsByKey[fieldKey(FF.Owner, FF.Field)].push_back(&FF);
  for (const RecordFact &R : F.Records) {
    Bases[R.Name] = R.Bases;
    for (const std::string &Base : R.Bases)
      DirectSubclasses[Base].push_back(R.Name);
  }
  addResolvedStores(F);
  for (const StoreFact &S : Stores)
    StoresByField[fieldKey(S.Owner, S.Field)].push_back(&S);

  for (const FieldFact &FF : F.Fields) {
    // Raw pointers are edges of the functions' heaps only, where their
    // owners delete them.
    if (FF.Kind == FieldKind::Callback || FF.Kind == FieldKind::Raw)
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
      Edges.push_back(
          {S.Owner, S.Field, Captured, FieldKind::Callback, Decl, &S});
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
  std::string Landing = S.To != E.Target
                            ? " (here a '" + shownName(S.To).str() + "')"
                            : std::string();
  switch (E.Kind) {
  case FieldKind::Strong:
    if (E.Decl && E.Decl->InContainer)
      return llvm::formatv("{0} holds strong handles to '{1}'{2} in a '{3}'",
                           Field, Target, Landing, E.Decl->TypeSpelling);
    return llvm::formatv("{0} holds a strong handle to '{1}'{2}", Field, Target,
                         Landing);
  case FieldKind::Member:
    return llvm::formatv("{0} owns a '{1}'{2}", Field, Target, Landing);
  case FieldKind::Callback:
    return llvm::formatv(
        "{0} holds a lambda that captures a strong handle to '{1}'", Field,
        Target);
  case FieldKind::Raw:
    return llvm::formatv("{0} owns the '{1}' it points to{2}", Field, Target,
                         Landing);
  }
  llvm_unreachable("unknown edge kind");
}

void OwnershipGraph::report(const StoreFact &At, std::vector<Step> Cycle) {
  if (!ReportedCycles.insert(cycleKey(Cycle)).second)
    return;
  std::set<std::string> Fields;
  for (const Step &S : Cycle)
    Fields.insert(fieldKey(S.Via->Owner, S.Via->Field));
  // The graph lives for one findCycles call: what it reported dies with it.
  ReportedFieldSets.insert(Fields); // NOLINT(tenure-unbounded-cache)
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
               "'" +
                   Finding.BackEdge + "' weakly"
      : Back.Decl && Back.Decl->InContainer
          ? "hold weak handles in '" + Finding.BackEdge + "'"
          : "make '" + Finding.BackEdge + "' a weak handle";
  Finding.Message = cycleMessage(Path, Advice);
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
  for (const StoreFact &S : Stores)
    if (S.Value == ValueKind::Cleared)
      ClearedFields.insert(fieldKey(S.Owner, S.Field));
  for (const StoreFact *S : Closing) {
    for (const Edge *E : EdgesByOwner.lookup(S->Owner)) {
      if (E->Field != S->Field)
        continue;
      std::string Arrival;
      if (E->Kind == FieldKind::Callback) {
        if (E->Lambda != S ||
            ClearedFields.contains(fieldKey(S->Owner, S->Field)))
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

  heapFindings();

  llvm::sort(Out, [](const CycleFinding &A, const CycleFinding &B) {
    return A.Loc < B.Loc;
  });
  return std::move(Out);
}
// What an arc of a heap means for ownership, from the fields' facts of all
// TUs: a strong, owning or callable field, or nothing (a weak handle, a
// raw pointer nobody deletes, a one-shot callback).
std::optional<HeapStep::Kinds>
OwnershipGraph::arcKind(const InstantiatedHeap::Arc &A,
                        const FieldFact *&Decl) const {
  Decl = nullptr;
  if (A.Kind == HeapEdgeKind::Capture)
    return HeapStep::Capture;
  std::string Key = fieldKey(A.Owner, A.Field);
  if (A.Kind == HeapEdgeKind::Pending)
    return HeapStep::Pending;
  for (const FieldFact *FF : FieldsByKey.lookup(Key)) {
    Decl = FF;
    switch (FF->Kind) {
    case FieldKind::Strong:
      return HeapStep::Strong;
    case FieldKind::Member:
      return HeapStep::Member;
    case FieldKind::Callback:
      if (A.Implicit || ClearedFields.contains(Key))
        break;
      return HeapStep::Callback;
    case FieldKind::Raw:
      if (!FF->DeletedIn.empty())
        return HeapStep::Owned;
      break;
    }
  }
  Decl = nullptr;
  return std::nullopt;
}

void OwnershipGraph::heapFindings() {
  const Facts &F = AllFacts;
  llvm::StringMap<const FunctionFact *> Summaries;
  for (const FunctionFact &FF : F.Functions)
    Summaries.try_emplace(FF.Key, &FF);
  for (const FunctionFact &FF : F.Functions)
    if (!FF.Edges.empty() || !FF.Calls.empty())
      heapCycles(InstantiatedHeap(FF, Summaries));
}

void OwnershipGraph::heapCycles(InstantiatedHeap H) {
  // Member nodes are held by their parent through their field.
  for (int N = 0; N < static_cast<int>(H.Nodes.size()); ++N)
    if (H.Nodes[N].Parent >= 0) {
      auto [Owner, Field] = llvm::StringRef(H.Nodes[N].Field).rsplit("::");
      H.Arcs.push_back({H.Nodes[N].Parent, N, HeapEdgeKind::Field, Owner.str(),
                        Field.str(), Location(), Location(), true});
    }
  struct Out {
    int To;
    size_t Arc;
  };
  std::vector<std::vector<Out>> Adjacent(H.Nodes.size());
  std::vector<HeapStep::Kinds> Kinds(H.Arcs.size());
  std::vector<const FieldFact *> Decls(H.Arcs.size());
  std::vector<bool> Usable(H.Arcs.size());
  for (size_t I = 0; I < H.Arcs.size(); ++I) {
    std::optional<HeapStep::Kinds> K = arcKind(H.Arcs[I], Decls[I]);
    if (!K)
      continue;
    Kinds[I] = *K;
    Usable[I] = true;
    Adjacent[H.find(H.Arcs[I].From)].push_back({H.find(H.Arcs[I].To), I});
  }
  for (size_t First = 0; First < H.Arcs.size(); ++First) {
    if (!Usable[First] || H.Arcs[First].Implicit)
      continue;
    // The shortest way back from the arc's target to its source.
    int Start = H.find(H.Arcs[First].To), Goal = H.find(H.Arcs[First].From);
    std::vector<size_t> Cycle = {First};
    if (Start != Goal) {
      std::vector<long> Via(H.Nodes.size(), -1);
      std::deque<int> Queue = {Start};
      std::vector<bool> Seen(H.Nodes.size());
      Seen[Start] = true;
      while (!Queue.empty() && !Seen[Goal]) {
        int At = Queue.front();
        Queue.pop_front();
        for (const Out &O : Adjacent[At])
          if (!Seen[O.To]) {
            Seen[O.To] = true;
            Via[O.To] = static_cast<long>(O.Arc);
            Queue.push_back(O.To);
          }
      }
      if (!Seen[Goal])
        continue;
      std::vector<size_t> Back;
      for (int At = Goal; At != Start; At = H.find(H.Arcs[Via[At]].From))
        Back.push_back(Via[At]);
      Cycle.insert(Cycle.end(), Back.rbegin(), Back.rend());
    }
    reportHeapCycle(H, Cycle, Kinds, Decls);
  }
}

void OwnershipGraph::reportHeapCycle(
    const InstantiatedHeap &H, std::vector<size_t> Cycle,
    const std::vector<HeapStep::Kinds> &Kinds,
    const std::vector<const FieldFact *> &Decls) {
  // Start at an arc that leaves a record, so that a closure's captures
  // follow the arc that stores the closure.
  auto LeavesRecord = [&](size_t Arc) {
    return H.Nodes[H.Arcs[Arc].From].Kind != ObjectKind::Closure;
  };
  auto Begin = llvm::find_if(Cycle, LeavesRecord);
  if (Begin == Cycle.end())
    return;
  std::rotate(Cycle.begin(), Begin, Cycle.end());

  std::vector<HeapStep> Steps;
  Location Closing;
  for (size_t I = 0; I < Cycle.size(); ++I) {
    const InstantiatedHeap::Arc &A = H.Arcs[Cycle[I]];
    if (!A.Implicit && Closing < A.Loc)
      Closing = A.Loc;
    HeapStep S;
    S.Kind = Kinds[Cycle[I]];
    S.Decl = Decls[Cycle[I]];
    S.Owner = A.Owner;
    S.Field = A.Field;
    S.From = H.Nodes[A.From].Type;
    S.At = A.Implicit ? Location() : A.Loc;
    int To = A.To;
    if (S.Kind == HeapStep::Capture)
      return; // a capture always follows the arc into its closure
    if (H.Nodes[To].Kind == ObjectKind::Closure) {
      if (I + 1 == Cycle.size() || Kinds[Cycle[I + 1]] != HeapStep::Capture)
        return;
      // Where the closure is written is not what closes the loop: the
      // statement that stores it is.
      const InstantiatedHeap::Arc &Capture = H.Arcs[Cycle[++I]];
      S.Bind = H.Nodes[To].Bind;
      To = Capture.To;
      if (S.Kind != HeapStep::Pending)
        S.Kind = HeapStep::Callback;
    } else if (S.Kind == HeapStep::Callback || S.Kind == HeapStep::Pending) {
      return; // a callable field holding something that is not a closure
    }
    S.To = H.Nodes[To].Type;
    if (S.From.empty() || S.To.empty())
      return;
    Steps.push_back(std::move(S));
  }
  std::vector<std::string> Parts;
  for (const HeapStep &S : Steps)
    Parts.push_back(S.From + "." + S.Field + ">" + S.To);
  llvm::sort(Parts);
  std::set<std::string> Fields;
  for (const HeapStep &S : Steps)
    Fields.insert(fieldKey(S.Owner, S.Field));
  if (ReportedFieldSets.count(Fields) ||
      !ReportedCycles.insert(llvm::join(Parts, "|")).second)
    return;
  ReportedFieldSets.insert(std::move(Fields));

  // The edge to weaken: a closure's capture, else a single strong handle,
  // else a container of them, looking from the statement that closes the
  // loop onwards.
  size_t ClosingStep = 0;
  for (size_t I = 0; I < Steps.size(); ++I)
    if (Steps[I].At == Closing)
      ClosingStep = I;
  std::optional<size_t> Back;
  for (auto Wanted :
       {std::function<bool(const HeapStep &)>([](const HeapStep &S) {
          return S.Kind == HeapStep::Callback || S.Kind == HeapStep::Pending;
        }),
        std::function<bool(const HeapStep &)>([](const HeapStep &S) {
          return S.Kind == HeapStep::Strong && S.Decl && !S.Decl->InContainer;
        }),
        std::function<bool(const HeapStep &)>(
            [](const HeapStep &S) { return S.Kind == HeapStep::Strong; })}) {
    for (size_t I = 0; I < Steps.size() && !Back; ++I)
      if (Wanted(Steps[(ClosingStep + I) % Steps.size()]))
        Back = (ClosingStep + I) % Steps.size();
    if (Back)
      break;
  }
  std::rotate(Steps.begin(), Steps.begin() + Back.value_or(ClosingStep),
              Steps.end());
  const HeapStep &B = Steps.front();

  CycleFinding Finding;
  std::string Path = shownName(B.From).str();
  for (const HeapStep &S : Steps) {
    Path += " -" + S.Field + "-> " + shownName(S.To).str();
    Finding.Types.push_back(shownName(S.From).str());
    Finding.Fields.push_back(S.Field);
    Finding.UntracedEdge |=
        S.Kind == HeapStep::Callback || S.Kind == HeapStep::Pending;
  }
  Finding.BackEdge = fieldKey(shownName(B.Owner), B.Field);
  std::string Advice;
  switch (B.Kind) {
  case HeapStep::Callback:
    Advice = B.Bind ? "bind a weak handle, or 'this' with a lifetime the owner "
                      "ends, in the callable stored in '" +
                          Finding.BackEdge + "'"
                    : "capture a weak handle in the lambda stored in '" +
                          Finding.BackEdge + "'";
    break;
  case HeapStep::Pending:
    Advice = "hold a weak handle in the handler given to '" + Finding.BackEdge +
             "', or end the pending work before the last outside handle goes";
    break;
  default:
    Advice = B.Decl && B.Decl->InContainer
                 ? "hold weak handles in '" + Finding.BackEdge + "'"
                 : "make '" + Finding.BackEdge + "' a weak handle";
  }
  Finding.Message = cycleMessage(Path, Advice);
  Finding.Loc = Closing;
  for (const HeapStep &S : Steps) {
    std::string Field = "'" + fieldKey(shownName(S.Owner), S.Field) + "'";
    std::string Target = shownName(S.To).str();
    switch (S.Kind) {
    case HeapStep::Callback:
      Finding.Notes.push_back(
          {S.At, S.Bind ? Field +
                              " holds a std::bind that holds a strong "
                              "handle to '" +
                              Target + "'"
                        : Field +
                              " holds a lambda that captures a strong "
                              "handle to '" +
                              Target + "'"});
      break;
    case HeapStep::Pending:
      Finding.Notes.push_back({S.At, Field +
                                         " keeps a pending handler that holds "
                                         "a strong handle to '" +
                                         Target + "'"});
      break;
    case HeapStep::Owned:
      Finding.Notes.push_back(
          {S.Decl->Loc,
           S.Decl->InContainer
               ? llvm::formatv("{0} owns the '{1}' objects it points to "
                               "(deleted in '{2}')",
                               Field, Target, S.Decl->DeletedIn)
                     .str()
               : llvm::formatv("{0} owns the '{1}' it points to (deleted in "
                               "'{2}')",
                               Field, Target, S.Decl->DeletedIn)
                     .str()});
      break;
    default: {
      Edge E{S.Owner, S.Field, S.Decl->Target, S.Decl->Kind, S.Decl, nullptr};
      Finding.Notes.push_back({S.Decl->Loc, describeEdge({&E, S.From, S.To})});
    }
    }
  }
  if (B.Kind == HeapStep::Strong && B.Decl && !B.Decl->InContainer &&
      Steps.size() > 1)
    Finding.Fix = B.Decl->WeakFix;
  Out.push_back(std::move(Finding));
}

} // namespace

std::vector<CycleFinding> findCycles(const Facts &F) {
  return OwnershipGraph(F).findings();
}

} // namespace tenure::analyzer
