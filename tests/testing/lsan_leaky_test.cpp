// A std::shared_ptr test program built with -fsanitize=address and linked
// with tenure::testing_main: LeakSanitizer is the witness. lsan_run.cmake
// runs it and reads the evidence it leaves.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Tree;
struct Leaf {
  std::shared_ptr<Tree> tree;  // strong, to its owner: the cycle
  std::string name;
};
struct Tree {
  std::vector<std::shared_ptr<Leaf>> leaves;
};

std::shared_ptr<Tree> planted_tree() {
  auto tree = std::make_shared<Tree>();
  for (const char* name : {"a", "b"}) {
    auto leaf = std::make_shared<Leaf>();
    leaf->tree = tree;
    leaf->name = name;
    tree->leaves.push_back(leaf);
  }
  return tree;
}

struct Timer {
  std::function<void()> on_fire;
  int fired = 0;
};

TEST(LsanLeaky, LeaksAParentChildCycle) {
  EXPECT_EQ(planted_tree()->leaves.size(), 2u);
}

TEST(LsanLeaky, LeaksASelfCapturingCallback) {
  auto timer = std::make_shared<Timer>();
  timer->on_fire = [timer] { ++timer->fired; };
  timer->on_fire();
  EXPECT_EQ(timer->fired, 1);
}

TEST(LsanLeaky, LeaksNothing) {
  auto tree = std::make_shared<Tree>();
  tree->leaves.push_back(std::make_shared<Leaf>());
  EXPECT_EQ(tree->leaves.size(), 1u);
}

TEST(LsanLeaky, LeaksARawBlock) {
  int* lost = new int[4]{1, 2, 3, 4};
  EXPECT_EQ(lost[3], 4);
  lost = nullptr;
}

// Not run by ctest: the cost of recording a large leaked cycle
// (--gtest_also_run_disabled_tests --gtest_filter=*Large*).
TEST(LsanLeaky, DISABLED_LeaksALargeRing) {
  struct Node {
    std::shared_ptr<Node> next;
  };
  auto first = std::make_shared<Node>();
  std::shared_ptr<Node> last = first;
  for (int i = 1; i < 100000; ++i) {
    auto node = std::make_shared<Node>();
    last->next = node;
    last = node;
  }
  last->next = first;
}

}  // namespace
