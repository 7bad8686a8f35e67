#include "tenure/testing/cycle_check.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tenure/cycles.h"
#include "tenure/gc.h"
#include "tenure/verify.h"

namespace tenure::testing {
namespace {

bool g_evidence_failed = false;

std::string full_name(const ::testing::TestInfo& test) {
  return std::string(test.test_suite_name()) + "." + test.name();
}

}  // namespace

void CycleCheckListener::OnTestStart(const ::testing::TestInfo&) {
  gc::collect();
  evidence_path_ = std::getenv("TENURE_EVIDENCE");
  if (evidence_path_ && !*evidence_path_) evidence_path_ = nullptr;
  if (!evidence_path_) return;
  // Verification mode knows when each object was made; otherwise growth is
  // what the live counts gained, which can miss objects replacing freed
  // ones of the same type.
  if (verify::kEnabled) {
    made_before_ = verify::allocation_count();
  } else {
    before_ = verify::Snapshot::take();
  }
}

void CycleCheckListener::OnTestEnd(const ::testing::TestInfo& test) {
  // End events reach listeners in reverse order, so this runs before the
  // result printer and the failure shows in the test's own verdict.
  //
  // The garbage is first kept (save-all) so that its cycles can be
  // described, then let go and collected for real.
  std::vector<Ref<Object>>& saved = gc::garbage();
  std::size_t saved_before = saved.size();
  unsigned debug = gc::get_debug();
  gc::set_debug(debug | gc::kSaveAll);
  std::size_t garbage = gc::collect();
  gc::set_debug(debug);
  std::vector<Ref<Object>> found(
      std::make_move_iterator(saved.begin() + saved_before),
      std::make_move_iterator(saved.end()));
  saved.resize(saved_before);
  std::vector<verify::Cycle> cycles = verify::find_cycles(found);
  found.clear();
  gc::collect();

  if (garbage) {
    ADD_FAILURE() << "tenure: " << garbage
                  << " objects in reference cycles were left unreachable by "
                     "this test and collected:\n"
                  << verify::format_cycles(cycles);
  }
  if (!evidence_path_) return;
  std::string name = full_name(test);
  for (verify::Cycle& cycle : cycles) {
    evidence_.cycles.push_back({std::move(cycle.types), std::move(cycle.fields),
                                cycle.count, std::move(cycle.sites), {name}});
  }
  if (verify::kEnabled) {
    verify::Snapshot made = verify::Snapshot::take(made_before_);
    for (const verify::Statistic& s : made.statistics()) {
      evidence_.growth.push_back({s.type, s.site, s.count, name});
    }
    return;
  }
  verify::Snapshot after = verify::Snapshot::take();
  for (const verify::StatisticDiff& diff : after.compare_to(before_)) {
    if (diff.count_diff <= 0) continue;
    evidence_.growth.push_back({diff.type, diff.site,
                                static_cast<std::uint64_t>(diff.count_diff),
                                name});
  }
}

void CycleCheckListener::OnTestProgramEnd(const ::testing::UnitTest&) {
  const char* path = std::getenv("TENURE_EVIDENCE");
  if (!path || !*path) return;
  for (const verify::CopySite& copy : verify::copy_counts()) {
    evidence_.copies.push_back({copy.site, copy.count});
  }
  absl::Status status = merge_into_file(path, evidence_);
  if (!status.ok()) {
    std::fprintf(stderr, "tenure: error: %s\n",
                 std::string(status.message()).c_str());
    g_evidence_failed = true;
  }
  evidence_ = Evidence();
}

void install_cycle_check() {
  ::testing::UnitTest::GetInstance()->listeners().Append(
      new CycleCheckListener);
}

bool evidence_written() { return !g_evidence_failed; }

}  // namespace tenure::testing
