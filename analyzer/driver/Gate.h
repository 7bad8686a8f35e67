//===- Gate.h - What the run reports, records and exits with ---*- C++ -*-===//
//
// The gate's rules as one pure function, so each can be unit-tested without
// running a compiler: what the baseline accepts is not reported; with
// --write-baseline it is what the rewritten baseline keeps; --only-confirmed
// narrows the report, never what a baseline records or matches; compiler
// errors never fail the gate as findings but make an incomplete run exit 2,
// and an incomplete run records no baseline.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_GATE_H
#define TENURE_ANALYZER_DRIVER_GATE_H

#include "analyzer/driver/LineFilter.h"
#include "analyzer/driver/Options.h"
#include "analyzer/io/Baseline.h"
#include "analyzer/model/Finding.h"
#include <optional>
#include <vector>

namespace tenure::analyzer {

struct Evidence;

struct GateOptions {
  FailOn FailOnLevel = FailOn::Warning;
  bool OnlyConfirmed = false;
  bool WritesBaseline = false; ///< --write-baseline given.
  /// --line-filter or --changed-since: like --only-confirmed, it narrows
  /// the report alone; a compiler error anywhere still stops the gate.
  const LineFilter *Lines = nullptr;
};

struct GateDecision {
  std::vector<Finding> Reported; ///< What the report shows.
  std::vector<Finding> Recorded; ///< What --write-baseline records.
  /// With --baseline: how many findings it accepted, and how many of its
  /// entries matched none.
  std::optional<std::pair<size_t, size_t>> BaselineCounts;
  bool WriteBaseline = false; ///< Record \c Recorded (a complete run).
  int ExitCode = ExitClean;
};

/// \p Findings: merged, deduplicated and marked by the evidence. \p Accepted:
/// the --baseline, if any. \p Seen: the --evidence, if any (findings are
/// then ordered by what the runtime proved). \p Complete: every TU was
/// analysed without compiler errors. \p Root: where baseline paths are
/// relative to.
GateDecision decide(std::vector<Finding> Findings, const GateOptions &Options,
                    const Baseline *Accepted, const Evidence *Seen,
                    bool Complete, llvm::StringRef Root);

} // namespace tenure::analyzer

#endif
