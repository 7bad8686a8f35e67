// The main of tenure::testing_main: GoogleTest with the cycle check
// installed. Link it instead of GTest::gtest_main.
#include <gtest/gtest.h>

#include "tenure/testing/cycle_check.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  tenure::testing::install_cycle_check();
  int result = RUN_ALL_TESTS();
  // An evidence file that could not be written fails the run: CI must not
  // believe evidence was recorded when it was not.
  if (result == 0 && !tenure::testing::evidence_written()) result = 1;
  return result;
}
