//===- Report.h - Findings and the text, JSON and SARIF writers -*- C++ -*-===//

#ifndef TENURE_ANALYZER_REPORT_H
#define TENURE_ANALYZER_REPORT_H

#include "analyzer/CycleFinder.h"
#include "analyzer/Facts.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tenure::analyzer {

inline constexpr llvm::StringLiteral RefCycleCheckName = "tenure-ref-cycle";
inline constexpr llvm::StringLiteral UnboundedCacheCheckName =
    "tenure-unbounded-cache";
inline constexpr llvm::StringLiteral NeedlessCopyCheckName =
    "tenure-needless-copy";

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

llvm::json::Value toJSON(const Finding &F);
llvm::Expected<Finding> findingFromJSON(const llvm::json::Value &V,
                                        llvm::StringRef Origin);

/// \p File relative to \p Root when it is under it, else unchanged.
std::string displayPath(llvm::StringRef File, llvm::StringRef Root);

/// Paths in reports are shown relative to \p Root when they are under it.
void writeText(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               llvm::StringRef Root);
void writeJSON(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               llvm::StringRef Root);
/// SARIF 2.1.0 as GitHub code scanning reads it.
void writeSARIF(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                llvm::StringRef Root);

/// The tenure-ref-cycle findings as one Graphviz DOT graph: a node per
/// record, an edge per field on a cycle; the edge to make weak is bold, and
/// cycles the runtime confirmed are red.
void writeCycleGraph(llvm::raw_ostream &OS,
                     const std::vector<Finding> &Findings);

/// Sorts by location and joins duplicates (a header's finding seen from
/// several TUs) into one that keeps the notes of each.
void sortAndDeduplicate(std::vector<Finding> &Findings);

} // namespace tenure::analyzer

#endif
