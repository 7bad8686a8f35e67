// The object header's size, and destruction of long chains.
#include <gtest/gtest.h>

#include <cstdio>

#include "test_types.h"

namespace tenure::test {
namespace {

struct Empty : Object {};
struct Polymorphic {
  virtual ~Polymorphic() = default;
};

TEST(HeaderTest, AtMostSixteenBytesBeyondTheVtable) {
  std::size_t header = sizeof(Empty) - sizeof(Polymorphic);
  std::printf(
      "tenure::Object header: %zu bytes beyond the vtable pointer "
      "(sizeof(Object) = %zu; CPython's GC header + object header: "
      "32)\n",
      header, sizeof(Empty));
  EXPECT_LE(header, 16u);
  EXPECT_EQ(sizeof(Ref<Empty>), sizeof(void*));
  EXPECT_EQ(sizeof(Weak<Empty>), sizeof(void*));
}

TEST(ChainTest, MillionNodeChainDropsWithoutRecursion) {
  LiveCounter::live = 0;
  constexpr int kLength = 1'000'000;
  Ref<Node> head = make<Node>(0);
  Node* tail = head.get();
  for (int i = 1; i < kLength; ++i) {
    tail->next = make<Node>(i);
    tail = tail->next.get();
  }
  ASSERT_EQ(LiveCounter::live, kLength);
  head.reset();  // a recursive destructor would need ~1M stack frames
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST(ChainTest, WideTreeDropsToo) {
  LiveCounter::live = 0;
  Ref<Node> root = make<Node>();
  Node* level = root.get();
  for (int depth = 0; depth < 100'000; ++depth) {
    level->kids.push_back(make<Node>());
    level->kids.push_back(make<Node>());
    level = level->kids.back().get();
  }
  root.reset();
  EXPECT_EQ(LiveCounter::live, 0);
}

}  // namespace
}  // namespace tenure::test
