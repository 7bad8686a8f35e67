// tenure::testing: fail a GoogleTest test that leaves cyclic garbage behind,
// and record what tests leaked, grew and copied in the evidence file.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tenure/object.h"
#include "tenure/shared_object.h"
#include "tenure/snapshot.h"
#include "tenure/testing/evidence.h"
#include "tenure/verify.h"

namespace tenure::testing {

// Runs a full collection before each test (garbage from earlier is not this
// test's doing) and after it; when the second finds unreachable objects the
// test fails with their number and a report of their cycles by type, field
// and (in verification mode) allocation site. Watches the heap of the thread
// that runs the tests.
//
// Objects given to expect_freed() during a test that are still alive after
// the collection fail the test too, with the chain of handles that holds
// each one (verify::retention_path).
//
// In verification mode it also fails a test that leaves SharedObjects it
// made alive and held only by each other (verify::find_shared_cycles): the
// cycles by type, field and site, as for the heap's. This needs the test's
// threads joined when the test ends; a thread still changing SharedObjects
// during the scan fails the test with an error saying so instead of a
// report. TENURE_SHARED_CHECK=0 turns this check off.
//
// With TENURE_EVIDENCE=path in the environment it also records, per test,
// the cycles and the objects made during the test and still alive after it
// (in verification mode with the retention paths of up to
// kHolderSamples of them per type and site: who holds them), and at the end
// of the program the process's Ref copy counts; it then merges them into
// that file (see docs/evidence.md). A failure to write is reported on stderr
// as one line and by evidence_written().
//
// Asked to (TENURE_LEAK_CHECK=1, or a program built by tenure_leak_check()
// or tenure_verify_tests(SANITIZE)), it also runs LeakSanitizer's
// recoverable leak check after each test, fails a test that leaked blocks,
// and records them in the evidence file's `leaks` section (leak_check.h):
// the second witness, for std::shared_ptr and every handle tenure's
// collector does not see. Leaks from before the first test (static
// initialisation) are nobody's and are not charged. A program without
// LeakSanitizer that is asked to is an error, and writes no evidence;
// TENURE_LEAK_CHECK=0 turns the check off.
class CycleCheckListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestProgramStart(const ::testing::UnitTest& unit_test) override;
  void OnTestStart(const ::testing::TestInfo& test) override;
  void OnTestEnd(const ::testing::TestInfo& test) override;
  void OnTestProgramEnd(const ::testing::UnitTest& unit_test) override;

 private:
  static constexpr std::size_t kHolderSamples = 16;
#if defined(__clang__) || defined(__GNUC__)
  __attribute__((noinline))
#endif
  void
  end_test(const ::testing::TestInfo& test);
  void check_shared(const std::string& name);

  const char* evidence_path_ = nullptr;
  verify::Snapshot before_;        // outside verification mode
  std::uint64_t made_before_ = 0;  // in verification mode
  std::uint64_t shared_before_ = 0;
  bool shared_check_ = verify::kEnabled;
  Evidence evidence_;
  bool leak_check_ = false;  // LeakSanitizer is the second witness
  int pid_ = 0;              // a forked child records nothing
};

// Appends a CycleCheckListener to GoogleTest's listeners. Call it after
// ::testing::InitGoogleTest and before RUN_ALL_TESTS. (tenure::testing_main
// provides a main that does both.)
void install_cycle_check();

// False when TENURE_EVIDENCE was set and the file could not be written.
bool evidence_written();

// The current test fails if `object` (of the test thread's heap) is still
// alive when the test ends, after the listener's collection; the failure
// names what holds it:
//
//   tenure: app::Entry (entry_test.cpp:12) outlived the test that expected it
//   freed:
//     held from outside the heap: app::Cache (cache.cpp:30)
//       -[entries_]-> app::Entry (entry_test.cpp:12)
//
// Needs the listener (install_cycle_check() or tenure::testing_main).
void expect_freed(const Object& object);

// The same for a SharedObject made by make<T>, in verification mode (outside
// it there is no registry to ask, and this does nothing); call it on the
// test's thread, whichever thread made the object. The holder path
// runs through traced handles among SharedObjects (find_shared_cycles'
// precondition applies: the test's threads have joined):
//
//   tenure: app::Config (config_test.cpp:30) outlived the test that expected
//   it freed:
//     held from outside the SharedObjects: app::Registry (registry.cpp:12)
//       -[configs]-> app::Config (config_test.cpp:30)
void expect_freed(const SharedObject& object);

}  // namespace tenure::testing
