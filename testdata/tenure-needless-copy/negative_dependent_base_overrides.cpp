// A member of a class template whose base depends on a template parameter
// may override a virtual of that base without saying `override` (C++03
// style): its signature belongs to the hierarchy, so it is never reported.
#include <memory>

struct Shape {
  int sides = 0;
};
using ShapePtr = std::shared_ptr<Shape>;

struct Visitor {
  virtual ~Visitor() = default;
  virtual int visit(ShapePtr s) { return s->sides; } // clang-tidy-only: virtual
};

template <class Base> struct Counting : Base {
  int visits = 0;
  int visit(ShapePtr s) { ++visits; return s->sides; } // clang-tidy-only: may override a virtual of the dependent base
};

int count(Visitor &v) { return v.visit(std::make_shared<Shape>()); }
int use() {
  Counting<Visitor> c;
  return count(c);
}
