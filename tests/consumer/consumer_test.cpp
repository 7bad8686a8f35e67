#include <gtest/gtest.h>
#include <tenure/tenure.h>
#include <tenure/testing/cycle_check.h>

struct Leaf : tenure::Object {};

TEST(Consumer, HandlesWork) {
  tenure::Ref<Leaf> leaf = tenure::make<Leaf>();
  tenure::Weak<Leaf> weak = leaf;
  EXPECT_EQ(weak.lock(), leaf);
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  tenure::testing::install_cycle_check();
  return RUN_ALL_TESTS();
}
