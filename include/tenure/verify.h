// tenure::verify: what verification mode (TENURE_VERIFY) records, and the
// tools that read it: snapshots (tenure/snapshot.h), cycle reports and
// reference graphs (tenure/cycles.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "tenure/detail/config.h"
#include "tenure/object.h"
#include "tenure/ref.h"

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

// ---- Sizes (Python's sys.getsizeof and tracemalloc) -----------------------
// Recorded by make<T> in verification mode; 0 outside it. The bytes are the
// block the object occupies: sizeof(T) rounded up to the pool's size class
// (tenure::pool::kGranule steps) up to pool::kMaxSize, sizeof(T) beyond.

// Shallow: the object's own block, not what its handles reach.
std::size_t sizeof_object(const Object& object);

// Bytes of the collectable objects alive on this thread's heap: now, and the
// most at any moment since the heap was made or since reset_peak().
struct TracedMemory {
  std::size_t current = 0;
  std::size_t peak = 0;
};
TracedMemory get_traced_memory() noexcept;
// Sets the peak to the current value.
void reset_peak() noexcept;

// The value allocation_count() had just after make<T> created `object`
// (1 for the thread's first object), or 0 when unknown: outside verification
// mode, or not on this thread's heap. Objects made after a mark m are those
// with allocation_number(o) > m.
std::uint64_t allocation_number(const Object& object);

// ---- Why is it alive? (objgraph's find_backref_chain and show_backrefs) ----
// A root is an object held from outside the heap: its count is larger than
// the number of handles the heap's own objects hold to it (through trace),
// so a local, a global, a SharedObject or gc::garbage() holds it. This is
// what the collector computes; an object whose trace() misses a field looks
// held from outside too. Like get_referrers these scan the whole heap.

// One object on the chain: its dynamic type, the field of the previous
// step's object that holds it ("" for the first step, or when trace() did not
// name it), and its allocation site ("" outside verification mode).
struct PathStep {
  std::string type;
  std::string field;
  std::string site;
};
// steps.front() is the root, steps.back() the object itself.
struct RetentionPath {
  // False when no root reaches the object: it is held only by cyclic
  // garbage a collection would free; steps then starts at an object of the
  // cycle that holds it.
  bool rooted = false;
  std::vector<PathStep> steps;
};

// The shortest chain of handles from a root to `object` (an object of this
// thread's heap; otherwise std::invalid_argument). The object itself is the
// root, a one-step path, only when no other root reaches it, so the handle
// through which you ask does not hide who else holds it.
RetentionPath retention_path(const Object& object);

// The same for many objects with one scan of the heap; the handles in
// `objects` are not counted as holding anything (a vector of
// gc::get_objects() therefore makes nothing a root). Null handles give empty
// paths.
std::vector<RetentionPath> retention_paths(
    const std::vector<Ref<Object>>& objects);

// The path as a user reads it, one step per line:
//   held from outside the heap: app::Cache (cache.cpp:12)
//     -[entries_]-> app::Entry (cache_test.cpp:40)
// ("?" for a field trace() did not name; no site outside verification mode.)
std::string format_retention_path(const RetentionPath& path);

// Graphviz DOT of `object` and what holds it, up to `depth` steps back
// (objgraph's show_backrefs): one node per object (type, site; roots marked
// "held from outside the heap", `object` itself filled), one edge per handle,
// labelled with its field. At most 1000 objects are drawn. Scans the heap
// once per level. `object` must be on this thread's heap.
void write_backrefs_dot(std::ostream& out, const Object& object, int depth = 3);

}  // namespace tenure::verify
