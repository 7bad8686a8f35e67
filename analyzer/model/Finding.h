//===- Finding.h - One diagnostic, whichever check made it ------*- C++ -*-===//
//
// What every check reports and every writer, baseline and evidence matcher
// reads: plain data with locations as file:line:col, so a finding made in a
// worker process travels to the one that reports it.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_MODEL_FINDING_H
#define TENURE_ANALYZER_MODEL_FINDING_H

#include "analyzer/model/Facts.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tenure::analyzer {

struct Note {
  Location Loc;
  std::string Message;
};

enum class Level { Warning, Error };

/// What the test runs recorded of a finding (tenure-analyze --evidence).
struct Confirmation {
  /// For the text output: "12 cycles in 3 tests", "4000 copies".
  std::string Summary;
  /// Cycles, objects or copies seen; needless-copy findings are ordered by it.
  uint64_t Count = 0;
  std::vector<std::string> Tests; ///< Suite.Name, sorted.
};

/// One diagnostic as tenure-analyze reports it, whichever check made it.
struct Finding {
  std::string Check;
  Level Severity = Level::Warning;
  Location Loc;
  std::string Message;
  std::vector<Note> Notes;
  std::vector<Replacement> Fix;
  /// Identifies the finding without line numbers (SARIF fingerprints,
  /// baselines): for a cycle its back edge and types, otherwise the
  /// normalised source line.
  std::string Key;
  /// The declaration the finding is in ("ns::Class::method", a record, a
  /// variable): with Key, what a baseline matches on instead of a line.
  std::string Context;
  /// Set when runtime evidence matched the finding.
  std::optional<Confirmation> Confirmed;
  /// A cycle the runtime saw that no static finding explains.
  bool RuntimeOnly = false;
  /// Findings made from merged facts: the records a cycle passes through
  /// (Fields[i] is the field of Types[i] that holds the next), or the
  /// records a container holds. What runtime evidence is matched against.
  std::vector<std::string> Types;
  std::vector<std::string> Fields;
  /// A cycle with an edge trace() cannot visit (a lambda in a callback
  /// member): the collector never sees it as a cycle, only its objects
  /// outliving their tests.
  bool UntracedEdge = false;
};

} // namespace tenure::analyzer

#endif
