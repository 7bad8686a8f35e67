//===- CycleFinder.h - Strong-handle cycles the code closes -----*- C++ -*-===//
//
// Joins facts into the ownership graph (record -> record edges labelled by
// field; a base's fields belong to its subclasses; an edge to a base may land
// on any subclass when a store shows it) and reports the cycles that code
// closes: a store whose value is a self-handle, a lambda holding one, a value
// the written object was reached from, or two locals stored into each other.
// Type-level cycles alone (a JSON value holding members holding values) are
// not reported: no statement shows that the objects loop.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_CYCLEFINDER_H
#define TENURE_ANALYZER_CYCLEFINDER_H

#include "analyzer/model/Facts.h"
#include "analyzer/model/Finding.h"
#include <string>
#include <vector>

namespace tenure::analyzer {

struct CycleFinding {
  Location Loc; ///< Where the code closes the cycle.
  std::string Message;
  std::vector<Note> Notes; ///< One per edge of the cycle.
  std::vector<Replacement> Fix;
  std::string BackEdge;            ///< "Owner::field" of the edge to make weak.
  std::vector<std::string> Types;  ///< The records on the cycle, in order.
  std::vector<std::string> Fields; ///< Fields[i]: Types[i]'s field to the next.
  bool UntracedEdge = false; ///< An edge is a lambda in a callback member.
};

/// Findings ordered by location.
std::vector<CycleFinding> findCycles(const Facts &F);

} // namespace tenure::analyzer

#endif
