// Cycle reports and reference graphs: what a leaked cycle is made of, by
// type, field and allocation site (the named form of trace gives the fields;
// verification mode gives the sites).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "tenure/ref.h"

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

}  // namespace tenure::verify
