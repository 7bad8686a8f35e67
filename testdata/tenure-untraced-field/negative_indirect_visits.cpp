// Visits that reach the object's own fields indirectly, traces that hand the
// tracer to a helper, and handles to non-collectable objects: no finding.
#include <map>
#include <optional>
#include <tenure/tenure.h>
#include <utility>
#include <vector>

struct Leaf : tenure::Object {};
struct Counter : tenure::SharedObject {};

struct Loops : tenure::Object {
  std::vector<tenure::Ref<Leaf>> kids;
  std::pair<int, tenure::Ref<Leaf>> tagged;
  std::optional<tenure::Ref<Leaf>> maybe;
  tenure::Ref<Leaf> next;
  tenure::Ref<Counter> shared; // not collectable: nothing to trace
  void trace(tenure::Tracer &t) override {
    for (auto &k : kids)
      t(k);
    t(tagged.second);
    if (maybe)
      t(*maybe);
    t((*this).next);
  }
};

struct Helper : tenure::Object {
  tenure::Ref<Leaf> a, b;
  void trace(tenure::Tracer &t) override { trace_edges(t); }
  void trace_edges(tenure::Tracer &t) { t(a); t(b); }
};

template <class Derived> struct Crtp : tenure::Object {
  void trace(tenure::Tracer &t) override {
    static_cast<Derived *>(this)->trace_fields(t);
  }
};
struct UsesCrtp : Crtp<UsesCrtp> {
  tenure::Ref<Leaf> leaf;
  void trace_fields(tenure::Tracer &t) { t(leaf); }
};
void use() { (void)tenure::make<UsesCrtp>(); }
