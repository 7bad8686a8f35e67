#include "tenure/testing/cycle_check.h"

#include "tenure/gc.h"

namespace tenure::testing {

void CycleCheckListener::OnTestStart(const ::testing::TestInfo&) {
  gc::collect();
}

void CycleCheckListener::OnTestEnd(const ::testing::TestInfo&) {
  // End events reach listeners in reverse order, so this runs before the
  // result printer and the failure shows in the test's own verdict.
  if (std::size_t garbage = gc::collect()) {
    ADD_FAILURE() << "tenure: " << garbage
                  << " objects in reference cycles were left unreachable by "
                     "this test and collected";
  }
}

void install_cycle_check() {
  ::testing::UnitTest::GetInstance()->listeners().Append(
      new CycleCheckListener);
}

}  // namespace tenure::testing
