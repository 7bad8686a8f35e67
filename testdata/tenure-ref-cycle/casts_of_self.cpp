// The self handle goes through a cast before it is stored: the standard
// pointer casts and a project's own cast template that returns a handle.
#include <memory>
#include <vector>

template <class To, class From>
std::shared_ptr<To> Cast(const std::shared_ptr<From> &from) {
  return std::dynamic_pointer_cast<To>(from);
}

struct Node : std::enable_shared_from_this<Node> {
  virtual ~Node() = default;
};

struct Scope;
struct Symbol {
  std::shared_ptr<Scope> scope;
  // CHECK-FIXES: std::weak_ptr<Scope> scope;
};

struct Block;
struct Statement {
  std::shared_ptr<Block> block;
  // CHECK-FIXES: std::weak_ptr<Block> block;
};

struct Scope : Node {
  std::vector<std::shared_ptr<Symbol>> symbols;
  void declare(const std::shared_ptr<Symbol> &s) {
    s->scope = std::static_pointer_cast<Scope>(shared_from_this());
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: strong reference cycle Symbol -scope-> Scope -symbols-> Symbol closed here: its objects are never freed by reference counting; make 'Symbol::scope' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :17:26: note: 'Symbol::scope' holds a strong handle to 'Scope'
    // CHECK-MESSAGES: :28:40: note: 'Scope::symbols' holds strong handles to 'Symbol' in a 'std::vector<std::shared_ptr<Symbol>>'
    symbols.push_back(s);
  }
};

struct Block : Node {
  std::vector<std::shared_ptr<Statement>> statements;
  void add(std::shared_ptr<Statement> st) {
    st->block = Cast<Block>(shared_from_this());
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: strong reference cycle Statement -block-> Block -statements-> Statement closed here: {{.*}}; make 'Statement::block' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :23:26: note: 'Statement::block' holds a strong handle to 'Block'
    // CHECK-MESSAGES: :39:43: note: 'Block::statements' holds strong handles to 'Statement' in a 'std::vector<std::shared_ptr<Statement>>'
    statements.push_back(std::move(st));
  }
};

int depth(const Symbol &s) { return s.scope ? 1 : 0; }
// CHECK-FIXES: int depth(const Symbol &s) { return s.scope.lock() ? 1 : 0; }
int size(const Statement &s) { return s.block ? 1 : 0; }
// CHECK-FIXES: int size(const Statement &s) { return s.block.lock() ? 1 : 0; }
