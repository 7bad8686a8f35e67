// Facts collected from real ASTs: what the walker sees through containers,
// wrappers and configuration, and how stores and calls are classified.
#include "analyzer/ast/FactCollector.h"
#include "analyzer/ast/HandleTypes.h"
#include "analyzer/ast/SourceFacts.h"
#include "tests/analyzer/parse_for_test.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"
#include <set>
#include <tuple>

namespace tenure::analyzer {
namespace {

Facts factsOf(llvm::StringRef Code,
              llvm::StringRef Strong = DefaultStrongHandles,
              llvm::StringRef Weak = DefaultWeakHandles) {
  std::unique_ptr<clang::ASTUnit> AST = parseForTest(Code);
  return collectFacts(AST->getASTContext(), HandleTypes(Strong, Weak));
}

const FieldFact *field(const Facts &F, llvm::StringRef Owner,
                       llvm::StringRef Name, llvm::StringRef Target = "") {
  for (const FieldFact &FF : F.Fields)
    if (FF.Owner == Owner && FF.Field == Name &&
        (Target.empty() || FF.Target == Target))
      return &FF;
  return nullptr;
}

std::vector<const StoreFact *> stores(const Facts &F, llvm::StringRef Field) {
  std::vector<const StoreFact *> Out;
  for (const StoreFact &S : F.Stores)
    if (S.Field == Field)
      Out.push_back(&S);
  return Out;
}

constexpr llvm::StringLiteral Prelude = R"cpp(
#include <tenure/tenure.h>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <tuple>
#include <variant>
#include <vector>
)cpp";

TEST(Facts, FieldsSeeThroughContainersAndWrappers) {
  Facts F = factsOf((Prelude + R"cpp(
struct T : tenure::Object {};
struct Part { tenure::Ref<T> inner; };
struct Holder {
  tenure::Ref<T> direct;
  std::vector<tenure::Ref<T>> vec;
  std::map<int, std::shared_ptr<T>> map_values;
  std::optional<tenure::Ref<T>> maybe;
  std::variant<int, tenure::Ref<T>> either;
  std::array<tenure::Ref<T>, 2> arr;
  std::pair<int, std::tuple<tenure::Ref<T>>> nested;
  tenure::Ref<T> c_array[3];
  Part by_value;
  std::unique_ptr<Part> owned;
  std::function<void()> callback;
  tenure::Weak<T> weak;
  std::weak_ptr<T> std_weak;
  T *raw = nullptr;
  std::span<tenure::Ref<T>> view;
};
)cpp")
                        .str());
  const FieldFact *Direct = field(F, "Holder", "direct");
  ASSERT_TRUE(Direct);
  EXPECT_EQ(Direct->Kind, FieldKind::Strong);
  EXPECT_EQ(Direct->Target, "T");
  EXPECT_FALSE(Direct->InContainer);
  for (llvm::StringRef Name :
       {"vec", "map_values", "maybe", "either", "arr", "nested", "c_array"}) {
    const FieldFact *FF = field(F, "Holder", Name);
    ASSERT_TRUE(FF) << Name.str();
    EXPECT_EQ(FF->Kind, FieldKind::Strong) << Name.str();
    EXPECT_EQ(FF->Target, "T") << Name.str();
    EXPECT_TRUE(FF->InContainer) << Name.str();
  }
  ASSERT_TRUE(field(F, "Holder", "by_value"));
  EXPECT_EQ(field(F, "Holder", "by_value")->Kind, FieldKind::Member);
  EXPECT_EQ(field(F, "Holder", "by_value")->Target, "Part");
  ASSERT_TRUE(field(F, "Holder", "owned"));
  EXPECT_EQ(field(F, "Holder", "owned")->Kind, FieldKind::Member);
  ASSERT_TRUE(field(F, "Holder", "callback"));
  EXPECT_EQ(field(F, "Holder", "callback")->Kind, FieldKind::Callback);
  for (llvm::StringRef Name : {"weak", "std_weak", "view"})
    EXPECT_FALSE(field(F, "Holder", Name)) << Name.str();
  // A raw pointer is recorded for the merge step, which counts it as owning
  // only where a destructor deletes it; nothing here does.
  ASSERT_TRUE(field(F, "Holder", "raw"));
  EXPECT_EQ(field(F, "Holder", "raw")->Kind, FieldKind::Raw);
  EXPECT_TRUE(field(F, "Holder", "raw")->DeletedIn.empty());
}

TEST(Facts, HandlesAreRecognisedByConfiguredNamesOnly) {
  std::string Code = R"cpp(
namespace lib {
template <class T> struct Ptr { T *p; void ref(); void deref(); };
template <class T> struct WeakPtr { T *p; };
}
struct Node { lib::Ptr<Node> next; lib::WeakPtr<Node> prev; };
)cpp";
  // Unconfigured, lib::Ptr is just a class held by value, with no handles.
  const FieldFact *Unconfigured = field(factsOf(Code), "Node", "next");
  ASSERT_TRUE(Unconfigured);
  EXPECT_EQ(Unconfigured->Kind, FieldKind::Member);
  EXPECT_EQ(Unconfigured->Target, "lib::Ptr<Node>");
  Facts Configured = factsOf(Code, "::lib::Ptr", "lib::WeakPtr");
  ASSERT_TRUE(field(Configured, "Node", "next"));
  EXPECT_EQ(field(Configured, "Node", "next")->Kind, FieldKind::Strong);
  EXPECT_EQ(field(Configured, "Node", "next")->Target, "Node");
  EXPECT_FALSE(field(Configured, "Node", "prev"));
}

TEST(Facts, StoresAreClassifiedByWhatTheyStore) {
  Facts F = factsOf((Prelude + R"cpp(
struct Owner;
struct Item : tenure::Object {
  tenure::Ref<Owner> owner;
  explicit Item(tenure::Ref<Owner> o) : owner(std::move(o)) {}
};
struct Owner : tenure::Object {
  std::vector<tenure::Ref<Item>> items;
  std::function<void()> on_change;
  tenure::Ref<Owner> self;
  void fill() {
    items.push_back(tenure::make<Item>(tenure::Ref<Owner>::from_this(this)));
    auto me = tenure::Ref<Owner>::from_this(this);
    on_change = [me] {};
    self = me;
  }
};
)cpp")
                        .str());
  std::vector<const StoreFact *> Owner = stores(F, "owner");
  ASSERT_EQ(Owner.size(), 1u);
  EXPECT_EQ(Owner[0]->Value, ValueKind::Param);
  EXPECT_EQ(Owner[0]->ParamIndex, 0u);

  std::vector<const StoreFact *> OnChange = stores(F, "on_change");
  ASSERT_EQ(OnChange.size(), 1u);
  EXPECT_EQ(OnChange[0]->Value, ValueKind::Lambda);
  EXPECT_TRUE(OnChange[0]->CapturesSelf);
  EXPECT_TRUE(OnChange[0]->Closes);
  EXPECT_EQ(OnChange[0]->Captures, std::vector<std::string>{"Owner"});

  std::vector<const StoreFact *> Self = stores(F, "self");
  ASSERT_EQ(Self.size(), 1u);
  EXPECT_EQ(Self[0]->Value, ValueKind::SelfHandle);
  EXPECT_FALSE(Self[0]->IntoOtherObject);

  // make<Item>(self-handle) is a call to Item's constructor, joined later
  // with the constructor's parameter store.
  ASSERT_EQ(F.Calls.size(), 1u);
  EXPECT_EQ(F.Calls[0].Value, ValueKind::SelfHandle);
  EXPECT_EQ(F.Calls[0].Callee, Owner[0]->Function);
}

TEST(Facts, WalkingFromAValueAndStoringItBackCloses) {
  Facts F = factsOf((Prelude + R"cpp(
struct Node { std::shared_ptr<Node> next; };
void ring(std::shared_ptr<Node> head) {
  auto tail = head;
  while (tail->next) tail = tail->next;
  tail->next = head;
}
void push(std::shared_ptr<Node> &head, std::shared_ptr<Node> n) {
  n->next = head;
}
void reverse(std::shared_ptr<Node> head) {
  std::shared_ptr<Node> prev;
  auto cur = head;
  while (cur) { auto next = cur->next; cur->next = prev; prev = cur; cur = next; }
}
)cpp")
                        .str());
  int Closing = 0;
  for (const StoreFact &S : F.Stores)
    Closing += S.Closes;
  EXPECT_EQ(Closing, 1) << "only ring() closes a loop";
}

TEST(Facts, StoresNameTheFieldsFromThisTheyAreWrittenThrough) {
  Facts F = factsOf((Prelude + R"cpp(
struct Leaf;
struct D { std::vector<std::shared_ptr<Leaf>> deep; };
struct C { std::shared_ptr<D> d; };
struct B { std::shared_ptr<C> c; };
struct A { std::shared_ptr<B> b; };
struct Box { std::vector<std::shared_ptr<Leaf>> boxed; };
struct Leaf : std::enable_shared_from_this<Leaf> {
  std::shared_ptr<A> a;
  std::shared_ptr<Box> box;
  std::shared_ptr<Box> &box_ref() { return box; }
  void f() {
    a->b->c->d->deep.push_back(shared_from_this());
    (*box.get()).boxed.push_back(shared_from_this());
    box_ref()->boxed.push_back(shared_from_this());
  }
};
)cpp")
                        .str());
  std::vector<const StoreFact *> Deep = stores(F, "deep");
  ASSERT_EQ(Deep.size(), 1u);
  // Four handles from `this`: within the one depth limit of access paths.
  EXPECT_EQ(Deep[0]->ThroughFields,
            (std::vector<std::string>{"Leaf::a", "A::b", "B::c", "C::d"}));
  std::vector<const StoreFact *> Boxed = stores(F, "boxed");
  ASSERT_EQ(Boxed.size(), 2u);
  // `(*p).f` is `p->f`.
  EXPECT_EQ(Boxed[0]->ThroughFields, (std::vector<std::string>{"Leaf::box"}));
  // A getter is left to the heap, which reads it as the field it returns.
  EXPECT_TRUE(Boxed[1]->ThroughFields.empty());
}

TEST(Facts, JsonRoundTripKeepsEverything) {
  Facts F = factsOf((Prelude + R"cpp(
struct A : tenure::Object { tenure::Ref<A> self; void f() { self = tenure::Ref<A>::from_this(this); } };
)cpp")
                        .str());
  llvm::json::Value V = toJSON(F);
  llvm::Expected<Facts> Back = factsFromJSON(V, "test");
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  EXPECT_EQ(llvm::json::Value(toJSON(*Back)), V);
}

TEST(Facts, MalformedOrNewerFactsAreRejectedWithTheFileName) {
  auto Error = [](llvm::StringRef Text) {
    llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
    EXPECT_TRUE(bool(V));
    llvm::Expected<Facts> F = factsFromJSON(*V, "tu.json");
    EXPECT_FALSE(bool(F));
    return F ? std::string() : llvm::toString(F.takeError());
  };
  EXPECT_EQ(Error("[]"), "tu.json: not a tenure facts file (no version)");
  EXPECT_EQ(Error(R"({"version": 99})"),
            "tu.json: facts version 99, this tenure-analyze reads version " +
                std::to_string(FactsVersion));
  EXPECT_NE(Error("{\"version\": " + std::to_string(FactsVersion) +
                  ", \"records\": 3}")
                .find("tu.json: malformed"),
            std::string::npos);
  // A heap edge naming an object the function does not have.
  EXPECT_NE(Error(R"({"version": 3, "records": [], "fields": [], "stores": [],
      "calls": [], "containers": [], "container_uses": [], "lifetimes": [],
      "closure_stores": [], "functions": [
      {"key": "f", "objects": [], "calls": [], "returns": -1, "edges": [
        {"kind": "field", "from": 0, "to": 1, "owner": "A", "field": "x",
         "loc": {"file": "a.cpp", "line": 1, "col": 1}}]}]})")
                .find("no such object"),
            std::string::npos);
}

TEST(Facts, HeapsFollowValuesInStatementOrder) {
  // The cursor is stored into before it moves on: the store goes into the
  // node `at` named then, and the constructor's summary keeps its argument.
  Facts F = factsOf((Prelude + R"cpp(
#include <memory>
#include <vector>
struct Step {
  explicit Step(std::shared_ptr<Step> from) : parent(from) {}
  std::shared_ptr<Step> parent;
  std::vector<std::shared_ptr<Step>> kids;
};
void walk(std::shared_ptr<Step> at) {
  auto next = std::make_shared<Step>(at);
  at->kids.push_back(next);
  at = next;
}
)cpp")
                        .str());
  const FunctionFact *Ctor = nullptr, *Walk = nullptr;
  for (const FunctionFact &FF : F.Functions) {
    if (llvm::StringRef(FF.Key).contains("@S@Step@F@Step#"))
      Ctor = &FF;
    if (llvm::StringRef(FF.Key).contains("@F@walk#"))
      Walk = &FF;
  }
  ASSERT_TRUE(Ctor && Walk);
  EXPECT_EQ(Ctor->Objects[Ctor->Edges[0].From].Kind, ObjectKind::This);
  EXPECT_EQ(Ctor->Objects[Ctor->Edges[0].To].Kind, ObjectKind::Param);
  EXPECT_EQ(Ctor->Edges[0].Field, "parent");
  ASSERT_EQ(Walk->Calls.size(), 1u) << "the constructor call";
  ASSERT_EQ(Walk->Edges.size(), 1u) << "the push_back";
  const HeapEdge &Push = Walk->Edges[0];
  EXPECT_EQ(Walk->Objects[Push.From].Kind, ObjectKind::Param)
      << "into the node `at` named before `at = next`";
  EXPECT_EQ(Walk->Objects[Push.To].Kind, ObjectKind::Alloc);
  EXPECT_EQ(Walk->Calls[0].Receiver, Push.To);
  EXPECT_EQ(Walk->Calls[0].Args, std::vector<int>{Push.From});
}

TEST(Facts, MergeDropsWhatSeveralTranslationUnitsShare) {
  std::string Header = (Prelude + R"cpp(
struct B;
struct A : tenure::Object { tenure::Ref<B> b; };
struct B : tenure::Object { tenure::Ref<A> a; };
)cpp")
                           .str();
  Facts One = factsOf(
      Header + "void f(tenure::Ref<A> x, tenure::Ref<B> y) { x->b = y; }");
  Facts Two = factsOf(
      Header + "void g(tenure::Ref<A> x, tenure::Ref<B> y) { y->a = x; }");
  Facts All = mergeFacts({One, Two});
  EXPECT_EQ(All.Records.size(), One.Records.size());
  EXPECT_EQ(All.Fields.size(), One.Fields.size());
  // Each distinct store once: the two functions' stores, plus whatever the
  // shared headers store, counted a single time.
  std::set<std::tuple<std::string, unsigned, unsigned, std::string>> Distinct;
  for (const Facts *Part : {&One, &Two})
    for (const StoreFact &S : Part->Stores)
      Distinct.insert({S.Loc.File, S.Loc.Line, S.Loc.Column, S.Field});
  EXPECT_EQ(All.Stores.size(), Distinct.size());
  EXPECT_GT(All.Stores.size(), One.Stores.size());
}

} // namespace
} // namespace tenure::analyzer

namespace tenure::analyzer {
namespace {

// The names findings carry as Finding::Context (and baselines match on).
std::string contextOfVariable(llvm::StringRef Code, llvm::StringRef Name) {
  using namespace clang::ast_matchers;
  std::unique_ptr<clang::ASTUnit> AST =
      clang::tooling::buildASTFromCodeWithArgs(
          Code, {"-std=c++20", "-resource-dir=" TENURE_CLANG_RESOURCE_DIR},
          "input.cpp");
  EXPECT_TRUE(AST);
  // A lambda's parameter appears in its call operator and in the function
  // its conversion to a function pointer returns: all must agree.
  std::set<std::string> Names;
  for (const BoundNodes &Found :
       match(namedDecl(hasName(Name)).bind("d"), AST->getASTContext()))
    Names.insert(enclosingDeclaration(*Found.getNodeAs<clang::Decl>("d")));
  EXPECT_EQ(Names.size(), 1u) << Name.str();
  return Names.empty() ? "(not found)" : *Names.begin();
}

TEST(EnclosingDeclaration, NamesFunctionsRecordsAndVariablesWithoutLines) {
  const char *Code = R"cpp(
    namespace app {
    struct Scene {
      int weigh(int param) const {
        auto f = [](int inLambda) { return inLambda; };
        return f(param);
      }
      int field;
      struct { int inUnnamed; } unnamed;
    };
    int global;
    namespace { int hidden(int local) { return local; } }
    }
    int (*atFileScope)(int);
  )cpp";
  EXPECT_EQ(contextOfVariable(Code, "param"), "app::Scene::weigh");
  EXPECT_EQ(contextOfVariable(Code, "inLambda"), "app::Scene::weigh");
  EXPECT_EQ(contextOfVariable(Code, "field"), "app::Scene");
  EXPECT_EQ(contextOfVariable(Code, "inUnnamed"), "app::Scene");
  EXPECT_EQ(contextOfVariable(Code, "global"), "app::global");
  EXPECT_EQ(contextOfVariable(Code, "local"),
            "app::(anonymous namespace)::hidden");
  EXPECT_EQ(contextOfVariable(Code, "app::Scene"), "app::Scene");
  EXPECT_EQ(contextOfVariable(Code, "atFileScope"), "atFileScope");
}

} // namespace
} // namespace tenure::analyzer
