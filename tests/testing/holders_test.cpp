// A user's test binary in verification mode (tenure::testing_main_verify)
// over holders_plugins.h: the listener records who holds what survives each
// test, and names the holder of an object expected to be freed.
#include <gtest/gtest.h>

#include "holders_plugins.h"
#include "tenure/testing/cycle_check.h"

namespace {

TEST(Holders, RegistryKeepsWhatItRegisters) {
  for (int id = 0; id < 3; ++id)
    plugins::registry().add(tenure::make<plugins::Entry>(id));
}

TEST(Holders, CacheKeepsWhatItLooksUp) {
  for (int id = 0; id < 5; ++id) plugins::cache().get(id);
}

TEST(Holders, ExpectFreedPassesWhenFreed) {
  tenure::Ref<plugins::Entry> entry = tenure::make<plugins::Entry>(100);
  tenure::testing::expect_freed(*entry);
}

TEST(Holders, ExpectFreedNamesTheHolder) {
  tenure::Ref<plugins::Entry> entry = plugins::cache().get(42);
  tenure::testing::expect_freed(*entry);
}

}  // namespace
