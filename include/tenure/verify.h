// tenure::verify: what verification mode (TENURE_VERIFY) records, and the
// tools that read it: snapshots (tenure/snapshot.h), cycle reports and
// reference graphs (tenure/cycles.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tenure/detail/config.h"
#include "tenure/object.h"

namespace tenure::verify {

// True in a build with TENURE_VERIFY: sites and copy counts are recorded.
inline constexpr bool kEnabled = TENURE_VERIFY != 0;

// "file:line" of the make<T> call that created `object` (an object of this
// thread's heap), or "" when unknown: outside verification mode, or made by
// a make<T> with more than six constructor arguments.
std::string site_of(const Object& object);

// How many objects make<T> has created on this thread so far: a mark for
// Snapshot::take(made_after).
std::uint64_t allocation_count() noexcept;

// The demangled dynamic type of `object`.
std::string type_name(const Object& object);

// Copies of Ref handles (copy construction) counted by the "file:line" that
// made them, over the whole process, most first. A copy assignment cannot
// learn its site and counts under "". Empty outside verification mode.
struct CopySite {
  std::string site;
  std::uint64_t count = 0;
};
std::vector<CopySite> copy_counts();
void reset_copy_counts();

}  // namespace tenure::verify
