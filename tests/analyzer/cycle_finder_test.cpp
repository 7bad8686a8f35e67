// The ownership graph on hand-built facts: which cycles are reported, where,
// and how facts from different translation units combine.
#include "analyzer/model/CycleFinder.h"

#include "gtest/gtest.h"

namespace tenure::analyzer {
namespace {

Location at(const std::string &File, unsigned Line) { return {File, Line, 1}; }

FieldFact strongField(std::string Owner, std::string Field, std::string Target,
                      bool InContainer = false) {
  FieldFact F;
  F.Owner = std::move(Owner);
  F.Field = std::move(Field);
  F.Target = std::move(Target);
  F.InContainer = InContainer;
  F.Loc = at("types.h", 1);
  return F;
}

StoreFact store(std::string Owner, std::string Field, unsigned Line,
                ValueKind Value = ValueKind::Other,
                std::string ValueType = "") {
  StoreFact S;
  S.Owner = std::move(Owner);
  S.Field = std::move(Field);
  S.Loc = at("code.cpp", Line);
  S.Value = Value;
  S.ValueType = std::move(ValueType);
  S.IntoOtherObject = true;
  S.Closes = Value == ValueKind::SelfHandle;
  return S;
}

Facts parentChildTypes() {
  Facts F;
  F.Records = {{"Parent", at("types.h", 1), {}},
               {"Child", at("types.h", 2), {}}};
  F.Fields = {strongField("Parent", "children", "Child", /*InContainer=*/true),
              strongField("Child", "parent", "Parent")};
  return F;
}

TEST(CycleFinder, TypesAloneAreNotACycle) {
  EXPECT_TRUE(findCycles(parentChildTypes()).empty());
}

TEST(CycleFinder, ReportsWhereASelfHandleClosesTheCycle) {
  Facts F = parentChildTypes();
  F.Stores = {store("Parent", "children", 10),
              store("Child", "parent", 11, ValueKind::SelfHandle, "Parent")};
  std::vector<CycleFinding> Found = findCycles(F);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Loc, at("code.cpp", 11));
  EXPECT_EQ(Found[0].BackEdge, "Child::parent");
  EXPECT_EQ(Found[0].Notes.size(), 2u);
  EXPECT_NE(Found[0].Message.find(
                "Child -parent-> Parent -children-> Child closed here"),
            std::string::npos)
      << Found[0].Message;
}

TEST(CycleFinder, AnEdgeNeverWrittenBreaksTheCycle) {
  Facts F = parentChildTypes();
  F.Stores = {store("Child", "parent", 11, ValueKind::SelfHandle, "Parent")};
  EXPECT_TRUE(findCycles(F).empty());
}

TEST(CycleFinder, FactsFromSeveralTranslationUnitsJoin) {
  // types in a header, the child's store in one .cpp, the parent's in another.
  Facts Header = parentChildTypes();
  Facts ParentTU;
  ParentTU.Stores = {store("Parent", "children", 20)};
  Facts ChildTU;
  ChildTU.Stores = {store("Child", "parent", 30, ValueKind::Param)};
  ChildTU.Stores.back().Function = "c:@S@Child@F@Child#";
  ChildTU.Stores.back().ParamIndex = 0;
  CallFact Call;
  Call.Callee = "c:@S@Child@F@Child#";
  Call.Loc = at("parent.cpp", 21);
  Call.ValueType = "Parent";
  ParentTU.Calls = {Call};

  EXPECT_TRUE(findCycles(mergeFacts({Header, ChildTU})).empty());
  std::vector<CycleFinding> Found =
      findCycles(mergeFacts({Header, ParentTU, ChildTU}));
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Loc, at("parent.cpp", 21)) << "reported at the call";
}

TEST(CycleFinder, TypesThatCanHoldEachOtherAreNotACycleWithoutAClosing) {
  // A JSON value holds members that hold values: a tree, though every edge
  // is written somewhere.
  Facts F = parentChildTypes();
  F.Stores = {store("Parent", "children", 10), store("Child", "parent", 12)};
  EXPECT_TRUE(findCycles(F).empty());
}

TEST(CycleFinder, StoringSelfIntoTheSameFieldOfAnotherNodeIsTheStructure) {
  Facts F;
  F.Records = {{"Node", at("types.h", 1), {}}};
  F.Fields = {strongField("Node", "children", "Node", true)};
  F.Stores = {store("Node", "children", 5, ValueKind::SelfHandle, "Node")};
  EXPECT_TRUE(findCycles(F).empty()) << "p->children.push_back(self)";
}

TEST(CycleFinder, AFieldReachedFromThisNeedsNoStoreOfItsOwn) {
  Facts F = parentChildTypes();
  // child->parent_->children.push_back(self): Child::parent is never
  // written here, but the code walks it.
  F.Stores = {store("Parent", "children", 10, ValueKind::SelfHandle, "Child")};
  EXPECT_TRUE(findCycles(F).empty());
  F.Stores.back().ThroughFields = {"Child::parent"};
  ASSERT_EQ(findCycles(F).size(), 1u);
}

TEST(CycleFinder, OneTypeLoopsNeedAClosingStatement) {
  Facts F;
  F.Records = {{"Node", at("types.h", 1), {}}};
  F.Fields = {strongField("Node", "children", "Node", true),
              strongField("Node", "next", "Node")};
  F.Stores = {store("Node", "children", 5), store("Node", "next", 6)};
  EXPECT_TRUE(findCycles(F).empty()) << "a tree and a list are not cycles";
  F.Stores.push_back(store("Node", "next", 7));
  F.Stores.back().Closes = true;
  F.Stores.back().IntoOtherObject = false;
  ASSERT_EQ(findCycles(F).size(), 1u);
}

TEST(CycleFinder, AnEdgeToABaseLandsOnTheSubclassTheClosingStoreShows) {
  Facts F;
  F.Records = {{"Widget", at("types.h", 1), {}},
               {"Panel", at("types.h", 2), {"Widget"}},
               {"Label", at("types.h", 3), {"Widget"}},
               {"Window", at("types.h", 4), {}}};
  F.Fields = {strongField("Window", "root", "Widget"),
              strongField("Panel", "window", "Window")};
  F.Stores = {store("Panel", "window", 11, ValueKind::Other, "Window"),
              store("Window", "root", 12, ValueKind::SelfHandle, "Label")};
  EXPECT_TRUE(findCycles(F).empty()) << "a Label holds no window";
  F.Stores.push_back(
      store("Window", "root", 13, ValueKind::SelfHandle, "Panel"));
  std::vector<CycleFinding> Found = findCycles(F);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Types, (std::vector<std::string>{"Window", "Panel"}));
}

TEST(CycleFinder, BaseFieldsBelongToSubclasses) {
  Facts F;
  F.Records = {{"Listener", at("types.h", 1), {}},
               {"Logger", at("types.h", 2), {"Listener"}},
               {"Bus", at("types.h", 3), {}}};
  F.Fields = {strongField("Listener", "bus", "Bus"),
              strongField("Bus", "logger", "Logger")};
  F.Stores = {store("Listener", "bus", 6, ValueKind::Other, "Bus"),
              store("Bus", "logger", 7, ValueKind::SelfHandle, "Logger")};
  std::vector<CycleFinding> Found = findCycles(F);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].BackEdge, "Bus::logger");
}

TEST(CycleFinder, ALambdaStoredThroughASetterOfAMemberObjectCloses) {
  Facts F;
  F.Records = {{"Session", at("s.h", 1), {}}, {"Timer", at("s.h", 2), {}}};
  FieldFact Timer = strongField("Session", "timer", "Timer");
  Timer.Kind = FieldKind::Member;
  FieldFact Callback = strongField("Timer", "callback", "");
  Callback.Kind = FieldKind::Callback;
  F.Fields = {Timer, Callback};
  StoreFact Setter = store("Timer", "callback", 3, ValueKind::Param);
  Setter.Function = "set_callback";
  F.Stores = {Setter};
  CallFact Call;
  Call.Callee = "set_callback";
  Call.Value = ValueKind::Lambda;
  Call.Captures = {"Session"};
  Call.CapturesSelf = true;
  Call.ValueType = "Session";
  Call.Loc = at("s.cpp", 9);
  F.Calls = {Call};
  std::vector<CycleFinding> Found = findCycles(F);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Loc, at("s.cpp", 9));
  EXPECT_TRUE(Found[0].Fix.empty()) << "no mechanical fix for a capture";
}

// Functions' heaps, hand-built: a constructor that keeps its argument, and a
// caller that gives a new object a node and puts the new object in that node.
HeapObject object(ObjectKind Kind, std::string Type, int Index = -1) {
  HeapObject O;
  O.Kind = Kind;
  O.Type = std::move(Type);
  O.Index = Index;
  return O;
}

HeapEdge edge(int From, int To, std::string Owner, std::string Field,
              unsigned Line) {
  HeapEdge E;
  E.From = From;
  E.To = To;
  E.Owner = std::move(Owner);
  E.Field = std::move(Field);
  E.Loc = at("walk.cpp", Line);
  return E;
}

Facts cursorWalk(bool WeakParent) {
  Facts F;
  F.Records = {{"Step", at("step.h", 1), {}}};
  F.Fields = {strongField("Step", "next", "Step", /*InContainer=*/true)};
  if (!WeakParent)
    F.Fields.push_back(strongField("Step", "parent", "Step"));
  // Step::Step(Step *from) : parent(from) {}  -- in another TU.
  FunctionFact Ctor;
  Ctor.Key = "Step::Step";
  Ctor.Objects = {object(ObjectKind::This, "Step"),
                  object(ObjectKind::Param, "Step", 0)};
  Ctor.Edges = {edge(0, 1, "Step", "parent", 3)};
  // auto n = make<Step>(at); at->next.push_back(n);
  FunctionFact Walk;
  Walk.Key = "walk";
  Walk.Objects = {object(ObjectKind::Param, "Step", 0),
                  object(ObjectKind::Alloc, "Step")};
  HeapCall Call;
  Call.Callee = "Step::Step";
  Call.Receiver = 1;
  Call.Args = {0};
  Call.Loc = at("walk.cpp", 10);
  Walk.Calls = {Call};
  Walk.Edges = {edge(0, 1, "Step", "next", 11)};
  F.Functions = {Walk, Ctor};
  return F;
}

TEST(CycleFinder, ASummaryAppliedAtAConstructorCallClosesTheLoop) {
  std::vector<CycleFinding> Found = findCycles(cursorWalk(false));
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Loc, at("walk.cpp", 11));
  EXPECT_EQ(Found[0].BackEdge, "Step::parent");
  EXPECT_NE(
      Found[0].Message.find("Step -parent-> Step -next-> Step closed here"),
      std::string::npos)
      << Found[0].Message;
}

TEST(CycleFinder, AWeakFieldMakesNoHeapEdge) {
  EXPECT_TRUE(findCycles(cursorWalk(true)).empty());
}

TEST(CycleFinder, SummariesJoinAcrossTranslationUnits) {
  Facts All = cursorWalk(false);
  Facts Types, Callee, Caller;
  Types.Records = All.Records;
  Types.Fields = All.Fields;
  Callee.Functions = {All.Functions[1]};
  Caller.Functions = {All.Functions[0]};
  EXPECT_EQ(findCycles(mergeFacts({Caller, Types})).size(), 0u)
      << "without the constructor's summary nothing is known";
  EXPECT_EQ(findCycles(mergeFacts({Caller, Types, Callee})).size(), 1u);
}

TEST(CycleFinder, ARawPointerOwnsOnlyWhenItsClassDeletesIt) {
  Facts F;
  F.Records = {{"Owner", at("o.h", 1), {}}, {"Part", at("o.h", 2), {}}};
  FieldFact Parts = strongField("Owner", "parts", "Part", /*InContainer=*/true);
  Parts.Kind = FieldKind::Raw;
  F.Fields = {Parts, strongField("Part", "owner", "Owner")};
  FunctionFact Add;
  Add.Key = "Owner::add";
  Add.Objects = {object(ObjectKind::This, "Owner"),
                 object(ObjectKind::Param, "Part", 0)};
  Add.Edges = {edge(1, 0, "Part", "owner", 5), edge(0, 1, "Owner", "parts", 6)};
  F.Functions = {Add};
  EXPECT_TRUE(findCycles(F).empty()) << "nobody deletes the parts";
  Facts Dtor;
  Dtor.Fields = {Parts};
  Dtor.Fields[0].DeletedIn = "~Owner";
  std::vector<CycleFinding> Found = findCycles(mergeFacts({F, Dtor}));
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].BackEdge, "Part::owner");
  EXPECT_NE(Found[0].Notes[1].Message.find("deleted in '~Owner'"),
            std::string::npos)
      << Found[0].Notes[1].Message;
}

TEST(CycleFinder, ACalleeReturningItsArgumentIsThatObject) {
  // Holder *h = Cast(p); p->holder = h;  with Cast returning its argument.
  Facts F;
  F.Records = {{"Node", at("n.h", 1), {}}};
  F.Fields = {strongField("Node", "self", "Node")};
  FunctionFact Cast;
  Cast.Key = "Cast";
  Cast.Objects = {object(ObjectKind::Param, "Node", 0)};
  Cast.Returns = 0;
  FunctionFact Use;
  Use.Key = "use";
  Use.Objects = {object(ObjectKind::Param, "Node", 0),
                 object(ObjectKind::Result, "Node", 0)};
  HeapCall Call;
  Call.Callee = "Cast";
  Call.Args = {0};
  Call.Result = 1;
  Call.Loc = at("walk.cpp", 4);
  Use.Calls = {Call};
  Use.Edges = {edge(0, 1, "Node", "self", 5)};
  F.Functions = {Use};
  EXPECT_TRUE(findCycles(F).empty()) << "without Cast's summary: two objects";
  F.Functions.push_back(Cast);
  EXPECT_EQ(findCycles(F).size(), 1u);
}

} // namespace
} // namespace tenure::analyzer
