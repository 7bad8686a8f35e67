// Cycles through class template instantiations.
#include <tenure/tenure.h>
#include <vector>

template <class Payload> struct Tree;

template <class Payload> struct Leaf : tenure::Object {
  tenure::Ref<Tree<Payload>> owner;
  Payload payload{};
};

template <class Payload> struct Tree : tenure::Object {
  std::vector<tenure::Ref<Leaf<Payload>>> leaves;
  void grow() {
    auto leaf = tenure::make<Leaf<Payload>>();
    leaf->owner = tenure::Ref<Tree>::from_this(this);
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: strong reference cycle Leaf<int> -owner-> Tree<int> -leaves-> Leaf<int> closed here: {{.*}}; make 'Leaf<int>::owner' a weak handle [tenure-ref-cycle]
    leaves.push_back(leaf);
  }
};

void use() { tenure::make<Tree<int>>()->grow(); }
