// Run by ctest with a filter: the clean test must pass, the leaky one fail.
#include "tenure/testing/cycle_check.h"

#include <gtest/gtest.h>

#include "tenure/tenure.h"

namespace {

struct Peer : tenure::Object {
  tenure::Ref<Peer> other;
  void trace(tenure::Tracer& t) override { t("other", other); }
};

TEST(CycleCheck, CleanTestPasses) {
  tenure::Ref<Peer> a = tenure::make<Peer>();
  tenure::Ref<Peer> b = tenure::make<Peer>();
  a->other = b;
  b->other = a;
  b->other.reset();  // broken before the end: nothing left to collect
}

TEST(CycleCheck, LeaksACycle) {
  tenure::Ref<Peer> a = tenure::make<Peer>();
  tenure::Ref<Peer> b = tenure::make<Peer>();
  a->other = b;
  b->other = a;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  tenure::gc::disable();  // only the listener's collection may find them
  tenure::testing::install_cycle_check();
  return RUN_ALL_TESTS();
}
