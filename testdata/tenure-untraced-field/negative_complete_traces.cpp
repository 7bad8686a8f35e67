// Complete traces in every form a user writes them: nothing to report.
#include <map>
#include <memory>
#include <tenure/tenure.h>
#include <vector>

struct Shared : tenure::SharedObject {};

struct Leaf : tenure::Object {
  int value = 0;
  tenure::Weak<Leaf> up;
  Leaf *raw = nullptr;
  std::shared_ptr<int> not_traced_handle; // only tenure::Ref is traced
};

struct Tree : tenure::Object {
  tenure::Ref<Leaf> root;
  std::vector<tenure::Ref<Leaf>> leaves;
  std::map<int, tenure::Ref<Leaf>> by_id;
  void trace(tenure::Tracer &t) override {
    TENURE_TRACE(t, root);
    t("leaves", leaves);
    t(this->by_id);
  }
};

// Calls its base's trace: complete for the base's fields.
struct BigTree : Tree {
  tenure::Ref<Tree> sibling;
  void trace(tenure::Tracer &t) override {
    Tree::trace(t);
    t(sibling);
  }
};

// No own handles, inherits the base's trace: nothing missing.
struct Plain : Tree {
  int extra = 0;
};

// Declared here, defined in another translation unit: judged there.
struct Elsewhere : tenure::Object {
  tenure::Ref<Leaf> leaf;
  void trace(tenure::Tracer &t) override;
};

template <class T> struct Box : tenure::Object {
  tenure::Ref<T> item;
  void trace(tenure::Tracer &t) override { t(item); }
};
Box<Leaf> *make_box();
void use() { (void)tenure::make<Box<Leaf>>(); }
