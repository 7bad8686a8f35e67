#include "tenure/testing/cycle_check.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tenure/cycles.h"
#include "tenure/gc.h"
#include "tenure/testing/leak_check.h"
#include "tenure/verify.h"
#include "tenure/weak.h"

// Defined (as 1) by the source tenure_verify_tests(SANITIZE) adds to a test.
extern "C" {
extern const int tenure_leak_check_required __attribute__((weak));
}

namespace tenure::testing {
namespace {

bool g_evidence_failed = false;

// What expect_freed() was given during the current test.
struct Expected {
  Weak<Object> object;
  std::string name;  // "type (site)", for when it is gone
};
std::vector<Expected>& expected_freed() {
  static auto* expected = new std::vector<Expected>;  // never destroyed
  return *expected;
}

// What expect_freed() was given for SharedObjects: the address and the
// creation number, which tell the object from a later one at its address.
struct ExpectedShared {
  const SharedObject* object;
  std::uint64_t number;
};
std::vector<ExpectedShared>& expected_shared_freed() {
  static auto* expected = new std::vector<ExpectedShared>;  // never destroyed
  return *expected;
}

// Lines indented under a failure's first line, as GoogleTest shows it.
std::string indented(const std::string& text) {
  std::string out;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    out += "  " + text.substr(start, end - start + 1);
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

std::string full_name(const ::testing::TestInfo& test) {
  return std::string(test.test_suite_name()) + "." + test.name();
}

std::string described(const Object& object) {
  std::string site = verify::site_of(object);
  return verify::type_name(object) + (site.empty() ? "" : " (" + site + ")");
}

// A retention path as evidence: (type, field) steps with runs of equal steps
// folded, and long paths cut to their root and their last steps (the holder
// that matters is near the object).
HolderEvidence holder_shape(const verify::RetentionPath& path) {
  constexpr std::size_t kMaxSteps = 16;
  HolderEvidence shape;
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    const verify::PathStep& step = path.steps[i];
    std::string field = i ? step.field : "";
    if (!shape.types.empty() && shape.types.back() == step.type &&
        shape.fields.back() == field) {
      continue;
    }
    shape.types.push_back(step.type);
    shape.fields.push_back(std::move(field));
  }
  if (shape.types.size() > kMaxSteps) {
    std::size_t cut = shape.types.size() - (kMaxSteps - 1);
    shape.types.erase(shape.types.begin() + 1, shape.types.begin() + cut);
    shape.fields.erase(shape.fields.begin() + 1, shape.fields.begin() + cut);
  }
  return shape;
}

// Holder shapes by (type, site).
using Holders =
    std::map<std::pair<std::string, std::string>, std::vector<HolderEvidence>>;

// Who holds the objects made after `mark` and alive now: the shapes of the
// retention paths of up to `samples` of them per (type, site).
Holders holders_since(std::uint64_t mark, std::size_t samples) {
  std::map<std::pair<std::string, std::string>, std::vector<Ref<Object>>>
      groups;
  {
    std::vector<Ref<Object>> all = gc::get_objects();
    for (Ref<Object>& object : all) {
      if (verify::allocation_number(*object) <= mark) continue;
      auto& group =
          groups[{verify::type_name(*object), verify::site_of(*object)}];
      if (group.size() < samples) group.push_back(std::move(object));
    }
  }
  // One handle per sampled object, which retention_paths discounts: a
  // second one would make it look held from outside the heap.
  std::vector<Ref<Object>> sampled;
  std::vector<std::size_t> sizes;
  for (auto& [key, group] : groups) {
    sizes.push_back(group.size());
    std::move(group.begin(), group.end(), std::back_inserter(sampled));
    group.clear();
  }
  std::vector<verify::RetentionPath> paths = verify::retention_paths(sampled);
  sampled.clear();
  Holders holders;
  std::size_t next = 0;
  std::size_t group_index = 0;
  for (auto& [key, group] : groups) {
    std::map<std::pair<std::vector<std::string>, std::vector<std::string>>,
             std::uint64_t>
        shapes;
    for (std::size_t i = 0; i < sizes[group_index]; ++i) {
      HolderEvidence shape = holder_shape(paths[next++]);
      ++shapes[{std::move(shape.types), std::move(shape.fields)}];
    }
    for (auto& [shape, count] : shapes) {
      holders[key].push_back({shape.first, shape.second, count});
    }
    ++group_index;
  }
  return holders;
}

bool g_unsymbolized_said = false;

void error_line(absl::string_view what) {
  std::fprintf(stderr, "tenure: error: %s\n", std::string(what).c_str());
}

// One line per leaked structure, for the test's failure message.
std::string describe_leaks(const std::vector<LeakEvidence>& leaks) {
  std::string out;
  for (const LeakEvidence& l : leaks) {
    absl::StrAppend(
        &out, "  ", l.cycle.empty() ? "" : "cycle through ",
        l.types.empty()
            ? "blocks of unknown type"
            : absl::StrJoin(l.cycle.empty() ? l.types : l.cycle, ", "),
        ": ", l.blocks, " blocks, ", l.bytes, " bytes, allocated at ",
        absl::StrJoin(l.sites, " "), "\n");
  }
  return out;
}

}  // namespace

void expect_freed(const Object& object) {
  Ref<Object> handle = Ref<Object>::from_this(const_cast<Object*>(&object));
  expected_freed().push_back({Weak<Object>(handle), described(object)});
}

void expect_freed(const SharedObject& object) {
  std::uint64_t number = verify::shared_allocation_number(object);
  if (number != 0) expected_shared_freed().push_back({&object, number});
}

void CycleCheckListener::OnTestProgramStart(const ::testing::UnitTest&) {
  pid_ = static_cast<int>(::getpid());
  const char* shared = std::getenv("TENURE_SHARED_CHECK");
  if (shared && std::strcmp(shared, "0") == 0) shared_check_ = false;
  const char* wanted = std::getenv("TENURE_LEAK_CHECK");
  // Asked for, not assumed: a program that merely has ASan keeps
  // LeakSanitizer's own report at exit.
  bool off = wanted && std::strcmp(wanted, "0") == 0;
  bool required =
      !off &&
      ((wanted && std::strcmp(wanted, "1") == 0) ||
       (&tenure_leak_check_required != nullptr && tenure_leak_check_required));
  leak_check_ = required && leak_sanitizer_present();
  if (required && !leak_check_) {
    error_line(
        "TENURE_LEAK_CHECK=1, but this test program has no LeakSanitizer "
        "(build it with -fsanitize=address or -fsanitize=leak); no "
        "evidence written");
    g_evidence_failed = true;
    return;
  }
  if (!leak_check_) return;
  // What static initialisation leaked is no test's doing.
  absl::StatusOr<LeakReport> before = check_for_new_leaks();
  if (!before.ok()) {
    error_line(
        absl::StrCat(before.status().message(), "; leak checks are off"));
    leak_check_ = false;
    g_evidence_failed = true;
  }
}

void CycleCheckListener::OnTestStart(const ::testing::TestInfo&) {
  expected_freed().clear();
  expected_shared_freed().clear();
  gc::collect();
  shared_before_ = verify::shared_allocation_count();
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
  // Before any frame of the check covers what the test left on the stack.
  scrub_stack();
  end_test(test);
}

void CycleCheckListener::end_test(const ::testing::TestInfo& test) {
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
  std::vector<Expected> expected = std::move(expected_freed());
  expected_freed().clear();
  for (const Expected& e : expected) {
    Ref<Object> alive = e.object.lock();
    if (!alive) continue;
    std::string path =
        verify::format_retention_path(verify::retention_path(*alive));
    ADD_FAILURE() << "tenure: " << e.name
                  << " outlived the test that expected it freed:\n"
                  << indented(path);
  }
  std::vector<ExpectedShared> expected_shared =
      std::move(expected_shared_freed());
  expected_shared_freed().clear();
  for (const ExpectedShared& e : expected_shared) {
    verify::SharedHolders holders =
        verify::shared_retention_path(e.object, e.number);
    if (!holders.error.empty()) {
      ADD_FAILURE() << "tenure: error: expect_freed could not check a "
                       "SharedObject: "
                    << holders.error;
      continue;
    }
    if (!holders.alive) continue;
    const verify::PathStep& self = holders.path.steps.back();
    ADD_FAILURE() << "tenure: " << self.type
                  << (self.site.empty() ? "" : " (" + self.site + ")")
                  << " outlived the test that expected it freed:\n"
                  << indented(holders.text);
  }
  std::string name = full_name(test);
  if (shared_check_) check_shared(name);
  if (leak_check_ && static_cast<int>(::getpid()) == pid_) {
    absl::StatusOr<LeakReport> report = check_for_new_leaks();
    if (!report.ok()) {
      // The evidence would be wrong from here on: say so once, record none.
      error_line(absl::StrCat(report.status().message(),
                              "; no leak evidence recorded"));
      leak_check_ = false;
      g_evidence_failed = true;
    } else if (!report->blocks.empty()) {
      if (!report->symbolized && !g_unsymbolized_said) {
        g_unsymbolized_said = true;
        std::fprintf(
            stderr,
            "tenure: warning: LeakSanitizer's stacks are not symbolized (is "
            "llvm-symbolizer on the PATH, or ASAN_SYMBOLIZER_PATH set?): "
            "leaked blocks get no types and \"??\" sites\n");
      }
      std::vector<LeakEvidence> leaks = leaked_structures(
          report->blocks, pointers_between(report->blocks), name);
      std::size_t bytes = 0;
      for (const LeakedBlock& b : report->blocks) bytes += b.size;
      ADD_FAILURE() << "tenure: LeakSanitizer found " << report->blocks.size()
                    << " blocks (" << bytes
                    << " bytes) left unreachable by this test, in "
                    << leaks.size() << " structures:\n"
                    << describe_leaks(leaks);
      if (evidence_path_) {
        for (LeakEvidence& l : leaks) evidence_.leaks.push_back(std::move(l));
      }
    }
  }
  if (!evidence_path_) return;
  for (verify::Cycle& cycle : cycles) {
    evidence_.cycles.push_back({std::move(cycle.types),
                                std::move(cycle.fields),
                                cycle.count,
                                std::move(cycle.sites),
                                {name}});
  }
  if (verify::kEnabled) {
    verify::Snapshot made = verify::Snapshot::take(made_before_);
    Holders holders;
    if (!made.statistics().empty()) {
      holders = holders_since(made_before_, kHolderSamples);
    }
    for (const verify::Statistic& s : made.statistics()) {
      evidence_.growth.push_back({s.type, s.site, s.count, name,
                                  std::move(holders[{s.type, s.site}])});
    }
    return;
  }
  verify::Snapshot after = verify::Snapshot::take();
  for (const verify::StatisticDiff& diff : after.compare_to(before_)) {
    if (diff.count_diff <= 0) continue;
    evidence_.growth.push_back({diff.type,
                                diff.site,
                                static_cast<std::uint64_t>(diff.count_diff),
                                name,
                                {}});
  }
}

void CycleCheckListener::check_shared(const std::string& name) {
  verify::SharedCycles shared = verify::find_shared_cycles(shared_before_);
  if (!shared.error.empty()) {
    ADD_FAILURE() << "tenure: error: the check for SharedObject cycles could "
                     "not run: "
                  << shared.error
                  << "\n  It needs the test's threads joined when the test "
                     "ends (docs/runtime.md); TENURE_SHARED_CHECK=0 turns it "
                     "off.";
    return;
  }
  if (shared.leaked == 0) return;
  std::string held;
  for (const verify::SharedHeld& h : shared.held) {
    absl::StrAppend(
        &held, "  held by ",
        shared.cycles.empty() ? "a cycle made before this test" : "them", ": ",
        h.type, h.site.empty() ? "" : " (" + h.site + ")",
        h.count == 1 ? "" : absl::StrCat(" (", h.count, " objects)"), "\n");
  }
  ADD_FAILURE() << "tenure: " << shared.leaked
                << " SharedObjects made by this test are still alive, held "
                   "only by each other (SharedObjects are never collected):\n"
                << verify::format_cycles(shared.cycles) << held;
  if (!evidence_path_) return;
  for (verify::Cycle& cycle : shared.cycles) {
    evidence_.cycles.push_back({std::move(cycle.types),
                                std::move(cycle.fields),
                                cycle.count,
                                std::move(cycle.sites),
                                {name}});
  }
}

void CycleCheckListener::OnTestProgramEnd(const ::testing::UnitTest&) {
  const char* path = std::getenv("TENURE_EVIDENCE");
  if (!path || !*path) return;
  if (pid_ != 0 && static_cast<int>(::getpid()) != pid_)
    return;                       // a forked child
  if (g_evidence_failed) return;  // already said why; the file stays as it was
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
