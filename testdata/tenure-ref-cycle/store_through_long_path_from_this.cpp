// The object written to is reached from `this` through four handles: that
// path is as much a way back as a shorter one, even when nothing in this
// file fills its fields.
#include <memory>
#include <vector>

struct Leaf;
struct Fourth {
  std::vector<std::shared_ptr<Leaf>> leaves;
};
struct Third {
  std::shared_ptr<Fourth> fourth;
  std::vector<std::shared_ptr<Leaf>> near_leaves;
};
struct Second {
  std::shared_ptr<Third> third;
};
struct First {
  std::shared_ptr<Second> second;
};

struct Leaf : std::enable_shared_from_this<Leaf> {
  std::shared_ptr<First> first;
  void attach() {
    first->second->third->fourth->leaves.push_back(shared_from_this());
    // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: strong reference cycle Fourth -leaves-> Leaf -first-> First -second-> Second -third-> Third -fourth-> Fourth closed here: {{.*}}; hold weak handles in 'Fourth::leaves' [tenure-ref-cycle]
  }
  void attach_near() {
    first->second->third->near_leaves.push_back(shared_from_this());
    // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: strong reference cycle Third -near_leaves-> Leaf -first-> First -second-> Second -third-> Third closed here: {{.*}}; hold weak handles in 'Third::near_leaves' [tenure-ref-cycle]
  }
};
