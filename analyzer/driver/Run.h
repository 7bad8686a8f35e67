//===- Run.h - The run that reports: merge, judge, gate, write -*- C++ -*-===//

#ifndef TENURE_ANALYZER_DRIVER_RUN_H
#define TENURE_ANALYZER_DRIVER_RUN_H

#include "analyzer/driver/LineFilter.h"
#include "analyzer/driver/Options.h"
#include "analyzer/driver/Programs.h"
#include "analyzer/driver/Worker.h"
#include "analyzer/io/Baseline.h"
#include "analyzer/io/Evidence.h"
#include <optional>
#include <string>
#include <vector>

namespace tenure::analyzer {

/// What was read before the analysis started, so that a bad file costs no
/// wait: the baseline, the evidence, and the root paths are relative to.
struct RunInputs {
  std::optional<Baseline> Accepted;
  std::optional<Evidence> Seen;
  std::string Root;                ///< The canonical current directory.
  std::optional<LineFilter> Lines; ///< --line-filter, --changed-since.
  /// The programs whose units are merged apart; none: all units are one.
  std::optional<ProgramList> Programs;
};

/// Reads the --baseline and --evidence files and checks that every output
/// can be written. Errors are one line naming the file.
llvm::Expected<RunInputs> prepareRun(const Options &O);

/// The merge step: merges the TUs' facts of each program (In.Programs),
/// adds the whole-program findings,
/// applies the evidence, filters headers, decides the gate (decide()),
/// applies or exports fixes, and writes the baseline, the cycle graph and
/// the report. \p Errors: what already went wrong (failed workers, stale
/// database entries), one line each; they make the run incomplete. With
/// --timings, prints the TUs' timings summed, the caller's \p Times (reading
/// --merge-facts' files) and its own phases. Returns the exit code.
int report(const Options &O, const RunInputs &In, std::vector<TUResult> Results,
           std::vector<std::string> Errors, Timings Times = {});

} // namespace tenure::analyzer

#endif
