// tenure::testing: fail a GoogleTest test that leaves cyclic garbage behind.
#pragma once

#include <gtest/gtest.h>

namespace tenure::testing {

// Runs a full collection before each test (garbage from earlier is not this
// test's doing) and after it; when the second finds unreachable objects the
// test fails with their number. Watches the heap of the thread that runs the
// tests.
class CycleCheckListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& test) override;
  void OnTestEnd(const ::testing::TestInfo& test) override;
};

// Appends a CycleCheckListener to GoogleTest's listeners. Call it after
// ::testing::InitGoogleTest and before RUN_ALL_TESTS.
void install_cycle_check();

}  // namespace tenure::testing
