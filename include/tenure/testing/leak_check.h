// LeakSanitizer as the second witness: the blocks a test leaves unreachable,
// whatever handle held them (std::shared_ptr, an intrusive pointer, a raw
// owner), typed from their allocation stacks and grouped into the
// structures they form, for the evidence file's `leaks` section.
//
// Everything here goes through LeakSanitizer's public interface
// (<sanitizer/lsan_interface.h>): its recoverable leak check finds the
// blocks, its report (LSAN_OPTIONS=report_objects=1) names them, and
// __lsan_ignore_object keeps a reported block out of later reports, so each
// test is charged with what it leaked itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tenure/testing/evidence.h"

namespace tenure::testing {

// One block LeakSanitizer reported unreachable.
struct LeakedBlock {
  std::uintptr_t address = 0;
  std::size_t size = 0;
  std::string type;  // from the allocation stack; "" when it does not tell
  std::string site;  // "file:line" of the first frame outside the standard
                     // library and the sanitizer; "??" when unknown
};

struct LeakReport {
  std::vector<LeakedBlock> blocks;
  // False when a leak's stack had no function names (no symbolizer): the
  // blocks then have no types and "??" sites.
  bool symbolized = true;
};

// Parses the text of a LeakSanitizer report. Without report_objects=1 in
// LSAN_OPTIONS the report names no blocks, which is an error when it
// reports leaks; so is text that is not a LeakSanitizer report.
absl::StatusOr<LeakReport> parse_leak_report(std::string_view text);

// The type an allocation stack frame's (demangled) function names as the
// one allocated: T of make_shared/allocate_shared (std::_Sp_counted_ptr_inplace
// <T, ...>, libc++'s __shared_ptr_emplace<T, ...>), of a shared_ptr's control
// block for a `new T` (_Sp_counted_ptr<T*, ...>), make_unique<T>, the
// callable a std::function stores; "" when the frame names none of these.
// `allocators` also takes an allocator's value type (a container's buffer
// or node).
std::string type_from_frame(std::string_view function, bool allocators);

// For each block, the blocks its memory points into (interior pointers
// count). The blocks must be allocated: LeakSanitizer just reported them.
std::vector<std::vector<std::size_t>> pointers_between(
    const std::vector<LeakedBlock>& blocks);

// The structures `blocks` form (blocks connected by `edges`, in either
// direction), one entry each, with the types of the blocks that lie on a
// pointer cycle among them in `cycle`.
std::vector<LeakEvidence> leaked_structures(
    const std::vector<LeakedBlock>& blocks,
    const std::vector<std::vector<std::size_t>>& edges,
    const std::string& test);

// Whether this process runs under LeakSanitizer (ASan, or -fsanitize=leak).
bool leak_sanitizer_present();

// LeakSanitizer scans stacks conservatively: a pointer that a finished test
// left in a dead frame, which later frames cover without writing, keeps its
// block "reachable" until something overwrites it (the leak would then be
// charged to a later test). Zeroes the 64 KiB below the caller's frame; call
// it first thing, from a function with a small frame, before the check.
#if defined(__clang__) || defined(__GNUC__)
__attribute__((noinline))
#endif
void scrub_stack();

// Runs LeakSanitizer's recoverable leak check and returns what it reports;
// every block reported is then ignored by later checks, so one call per test
// yields what that test leaked. Fails when the process has no LeakSanitizer
// or the report cannot be read.
absl::StatusOr<LeakReport> check_for_new_leaks();

}  // namespace tenure::testing
