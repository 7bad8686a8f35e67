// A product of two handles is a new object, not a walk from its left
// operand: storing the operands into the product closes nothing. Storing a
// node into itself through a copy of its handle does.
#include <memory>

struct Term {
  std::shared_ptr<Term> lhs;
  std::shared_ptr<Term> rhs;
};
std::shared_ptr<Term> operator*(const std::shared_ptr<Term> &a,
                                const std::shared_ptr<Term> &b);

void build(const std::shared_ptr<Term> &x, const std::shared_ptr<Term> &y) {
  std::shared_ptr<Term> product = x * y;
  product->lhs = x;
  product->rhs = y;
}

void ring(const std::shared_ptr<Term> &x) {
  std::shared_ptr<Term> same = x;
  same->lhs = x;
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: strong reference cycle Term -lhs-> Term closed here: {{.*}} [tenure-ref-cycle]
}
