// Cycle reports and reference graphs: what a leaked cycle is made of, by
// type, field and allocation site (the named form of trace gives the fields;
// verification mode gives the sites).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "tenure/ref.h"
#include "tenure/verify.h"

namespace tenure::verify {

// One shape of cycle: types[i] holds types[i + 1] (and the last the first)
// through the field fields[i] ("" when its trace did not name it).
struct Cycle {
  std::vector<std::string> types;
  std::vector<std::string> fields;
  std::vector<std::string> sites;  // distinct "file:line" of its objects
  std::size_t count = 0;    // strongly connected components of this shape
  std::size_t objects = 0;  // objects in those components
};

// The strongly connected components among `objects` (edges found through
// trace, only between the given objects) that contain a cycle, each as its
// shortest cycle through a canonical start, grouped by shape, most objects
// first. Typical input: gc::garbage() after a collection with gc::kSaveAll.
std::vector<Cycle> find_cycles(const std::vector<Ref<Object>>& objects);

// A report, one cycle per line followed by its sites:
//   cycle: Doc -[sections]-> Section -[doc]-> Doc (1 time, 2 objects)
//     made at: doc.cpp:12, doc.cpp:14
std::string format_cycles(const std::vector<Cycle>& cycles);

// Graphviz DOT of the references among `objects`: one node per object
// (type and site), one edge per traced handle, labelled with its field.
void write_dot(std::ostream& out, const std::vector<Ref<Object>>& objects);
// The same for what `root` reaches, at most `limit` objects (objgraph's
// show_refs).
void write_dot(std::ostream& out, const Ref<Object>& root,
               std::size_t limit = 1000);

// ---- Cycles among SharedObjects (verification mode) -------------------------
// SharedObjects are never collected, so a cycle of them leaks for good. In
// verification mode the runtime keeps a registry of the live ones that
// make<T> created (type, site, and the type's trace member when it declares
// one: see tenure/shared_object.h), and this scans it with the collector's
// reasoning: a SharedObject is held from outside when its count is above the
// handles the live SharedObjects' traces report to it (a local, a global, a
// tenure::Object, a thread's stack hold it); what no such object reaches is
// leaked.
//
// Precondition: no other thread makes, copies, drops or stores handles to
// SharedObjects while it runs (in a test: the test's threads have joined).
// The scan holds the registry's lock (a make or a last release on another
// thread waits for it), reads every count, traces every object, and does
// both again; when anything differs (a count, the handles a trace reports,
// an object being destroyed, more traced handles than its count) it tries
// again, three times in all, and then gives up with `error` set rather than
// report what it cannot know. A trace() must only report: making or
// dropping the last handle of a SharedObject inside one aborts.
struct SharedHeld {
  std::string type;
  std::string site;
  std::size_t count = 0;
};
struct SharedCycles {
  // Why the scan had no steady view; when set, nothing else is.
  std::string error;
  std::size_t live = 0;      // SharedObjects alive
  std::size_t untraced = 0;  // of those, of types without a trace member
  // Made after the mark and reached by nothing held from outside.
  std::size_t leaked = 0;
  std::vector<Cycle> cycles;     // the cycles among the leaked objects
  std::vector<SharedHeld> held;  // leaked objects on no cycle, by type and site
};

// Scans the live SharedObjects; objects whose creation number is at most
// `made_after` (a mark from shared_allocation_count()) are not reported but
// still hold what they reach. Empty outside verification mode.
SharedCycles find_shared_cycles(std::uint64_t made_after = 0);

// How many SharedObjects make<T> has created so far, on every thread: a mark
// for find_shared_cycles. 0 outside verification mode.
std::uint64_t shared_allocation_count() noexcept;

// The creation number of `object` (1 for the first SharedObject make<T>
// made), or 0 when it is not in the registry: not made by make<T>, or
// outside verification mode.
std::uint64_t shared_allocation_number(const SharedObject& object);

// Who holds a SharedObject that may be gone by now, named by its address
// and the creation number it had (so that a new object at the same address
// is not taken for it); the same scan and precondition as
// find_shared_cycles.
struct SharedHolders {
  std::string error;   // no steady view; then nothing else is set
  bool alive = false;  // still in the registry under that number
  // When alive: the shortest chain of traced handles from a SharedObject
  // held from outside (a local, a global, a tenure::Object, an untraced
  // SharedObject) to it, as retention_path gives for the heap; rooted ==
  // false when only leaked SharedObjects hold it.
  RetentionPath path;
  // `path` one step per line, as format_retention_path writes it, opening
  // with "held from outside the SharedObjects" (or "held only by leaked
  // SharedObjects").
  std::string text;
};
SharedHolders shared_retention_path(const SharedObject* object,
                                    std::uint64_t number);

}  // namespace tenure::verify
