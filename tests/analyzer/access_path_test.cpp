// Access paths read from real ASTs: what counts as a link, what a root is,
// and where the one depth limit cuts.
#include "analyzer/ast/AccessPath.h"
#include "tests/analyzer/parse_for_test.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "gtest/gtest.h"
#include <string>
#include <vector>

namespace tenure::analyzer {
namespace {

using namespace clang::ast_matchers;

// Every `probe(E)` in the code, in source order: the tests ask about E.
class Probes {
public:
  explicit Probes(llvm::StringRef Body) {
    std::string Code = (Prelude + Body).str();
    AST = parseForTest(Code);
    if (!AST)
      return;
    for (const BoundNodes &Node :
         match(callExpr(isExpansionInMainFile(),
                        callee(functionDecl(hasName("::probe"))))
                   .bind("call"),
               AST->getASTContext()))
      Args.push_back(Node.getNodeAs<clang::CallExpr>("call")->getArg(0));
    std::sort(Args.begin(), Args.end(), [](const auto *A, const auto *B) {
      return A->getBeginLoc() < B->getBeginLoc();
    });
  }
  const clang::Expr *operator[](size_t I) const { return Args.at(I); }
  size_t size() const { return Args.size(); }

private:
  static constexpr llvm::StringLiteral Prelude = R"cpp(
#include <tenure/tenure.h>
#include <memory>
#include <utility>
#include <vector>
template <class T> void probe(T &&);
)cpp";
  std::unique_ptr<clang::ASTUnit> AST;
  std::vector<const clang::Expr *> Args;
};

std::vector<std::string> fieldNames(const AccessPath &Path) {
  std::vector<std::string> Names;
  for (const clang::FieldDecl *Field : Path.fieldsFromRoot())
    Names.push_back(Field->getNameAsString());
  return Names;
}

std::vector<AccessStep::Kind> kinds(const AccessPath &Path) {
  std::vector<AccessStep::Kind> Kinds;
  for (const AccessStep &Step : Path.Steps)
    Kinds.push_back(Step.StepKind);
  return Kinds;
}

constexpr llvm::StringLiteral Nodes = R"cpp(
struct Node : tenure::Object {
  tenure::Ref<Node> next;
  Node *raw = nullptr;
  std::vector<tenure::Ref<Node>> kids;
  tenure::Ref<Node> &owner() { return next; }
  tenure::Ref<Node> &at(int) { return next; }
  tenure::Ref<Node> make();
  static int count;
  void walk();
};
tenure::Ref<Node> made();
tenure::Ref<Node> operator*(const tenure::Ref<Node> &, int);
)cpp";

TEST(AccessPath, FieldsFromThisThroughHandlesRawPointersAndGetters) {
  Probes P((Nodes + R"cpp(
void Node::walk() {
  probe(next->kids);
  probe((*raw).next);
  probe(owner()->kids);
  probe(at(1)->kids);
  probe(kids);
  probe(*this);
}
)cpp")
               .str());
  ASSERT_EQ(P.size(), 6u);
  AccessPath Handle = accessPath(P[0]);
  EXPECT_EQ(Handle.Root, AccessRoot::This);
  EXPECT_EQ(fieldNames(Handle), (std::vector<std::string>{"next", "kids"}));
  EXPECT_EQ(kinds(Handle), (std::vector<AccessStep::Kind>{
                               AccessStep::ReadField, AccessStep::Dereference,
                               AccessStep::ReadField}));
  // `(*raw).next` is `raw->next`.
  AccessPath Raw = accessPath(P[1]);
  EXPECT_EQ(Raw.Root, AccessRoot::This);
  EXPECT_EQ(fieldNames(Raw), (std::vector<std::string>{"raw", "next"}));
  // A getter that returns a field by reference is that field, with or
  // without arguments.
  EXPECT_EQ(fieldNames(accessPath(P[2])),
            (std::vector<std::string>{"next", "kids"}));
  EXPECT_EQ(fieldNames(accessPath(P[3])),
            (std::vector<std::string>{"next", "kids"}));
  // An implicit `this->`.
  EXPECT_EQ(accessPath(P[4]).Root, AccessRoot::This);
  EXPECT_EQ(fieldNames(accessPath(P[4])), (std::vector<std::string>{"kids"}));
  // `*this` is reached from this; it is not `this` itself.
  EXPECT_EQ(accessPath(P[5]).Root, AccessRoot::This);
  EXPECT_EQ(kinds(accessPath(P[5])),
            (std::vector<AccessStep::Kind>{AccessStep::Dereference}));
  EXPECT_FALSE(isThis(P[5]));
  EXPECT_TRUE(isThis(accessStep(P[5])->Base));
}

TEST(AccessPath, VariablesThroughWrappersAndHandleOperators) {
  Probes P((Nodes + R"cpp(
void use(tenure::Ref<Node> v, std::shared_ptr<Node> s) {
  probe(std::move(v));
  probe(tenure::Ref<Node>(v));
  probe(*v);
  probe(v.get()->kids);
  probe(s->next);
  probe(v->next->kids);
  probe(v->next.get());
}
)cpp")
               .str());
  ASSERT_EQ(P.size(), 7u);
  // Moves and copies of a handle are the variable itself.
  EXPECT_NE(bareVariable(P[0]), nullptr);
  EXPECT_EQ(bareVariable(P[0]), bareVariable(P[1]));
  EXPECT_TRUE(accessPath(P[0]).Steps.empty());
  const clang::VarDecl *V = bareVariable(P[0]);
  for (size_t I = 2; I < P.size(); ++I) {
    AccessPath Path = accessPath(P[I]);
    EXPECT_EQ(Path.Root, AccessRoot::Variable) << I;
    EXPECT_EQ(bareVariable(P[I]), nullptr) << I;
    if (I != 4) {
      EXPECT_EQ(Path.rootVariable(), V) << I;
    }
  }
  // `*v`, `v.get()->`, `s->` stay on the variable's object; `v->next->` and
  // `v->next.get()` leave it.
  auto StaysOnVariable = [](const AccessPath &Path) {
    return llvm::all_of(llvm::drop_begin(Path.Steps),
                        [](const AccessStep &S) { return S.staysOnObject(); });
  };
  EXPECT_TRUE(accessPath(P[2]).Steps.front().staysOnObject());
  EXPECT_TRUE(StaysOnVariable(accessPath(P[3])));
  EXPECT_TRUE(StaysOnVariable(accessPath(P[4])));
  EXPECT_FALSE(StaysOnVariable(accessPath(P[5])));
  AccessPath Got = accessPath(P[6]);
  EXPECT_EQ(kinds(Got).front(), AccessStep::CallGetter);
  EXPECT_FALSE(llvm::all_of(
      Got.Steps, [](const AccessStep &S) { return S.staysOnObject(); }));
}

TEST(AccessPath, CallsProductsAndStaticMembersAreRoots) {
  Probes P((Nodes + R"cpp(
void use(tenure::Ref<Node> v) {
  probe(made()->kids);
  probe(v->make()->kids);
  probe((v * 2)->kids);
  probe(v->count);
}
)cpp")
               .str());
  ASSERT_EQ(P.size(), 4u);
  EXPECT_EQ(accessPath(P[0]).Root, AccessRoot::Call);
  // `make()` is a member call without arguments: a getter link, so the
  // path goes on to v.
  EXPECT_EQ(accessPath(P[1]).Root, AccessRoot::Variable);
  // A product is not a dereference of its left operand.
  EXPECT_EQ(accessPath(P[2]).Root, AccessRoot::Call);
  EXPECT_EQ(accessPath(P[2]).rootVariable(), nullptr);
  // A static member named through an object is not reached from it.
  EXPECT_EQ(accessPath(P[3]).Root, AccessRoot::Other);
  EXPECT_FALSE(accessStep(P[3]));
}

TEST(AccessPath, OneDepthLimitForEveryQuestion) {
  // Each hop through a handle is two links (the field and `->`).
  auto Hops = [](unsigned N) {
    std::string E = "n";
    for (unsigned I = 0; I < N; ++I)
      E += "->next";
    return E;
  };
  static_assert(MaxAccessSteps == 16);
  Probes P((Nodes + "void use(tenure::Ref<Node> n) {\n  probe(" + Hops(8) +
            ");\n  probe(" + Hops(9) + ");\n}\n")
               .str());
  ASSERT_EQ(P.size(), 2u);
  AccessPath Eight = accessPath(P[0]);
  EXPECT_EQ(Eight.Steps.size(), MaxAccessSteps);
  EXPECT_EQ(Eight.Root, AccessRoot::Variable);
  EXPECT_EQ(fieldNames(Eight).size(), 8u);
  AccessPath Nine = accessPath(P[1]);
  EXPECT_EQ(Nine.Root, AccessRoot::Other);
  EXPECT_EQ(Nine.rootVariable(), nullptr);
  // The outermost link is still known: a store into it names its field.
  ASSERT_TRUE(accessStep(P[1]));
  EXPECT_EQ(accessStep(P[1])->Field->getName(), "next");
}

} // namespace
} // namespace tenure::analyzer
