//===- Timings.h - Where a run's time went (--timings) ----------*- C++ -*-===//
//
// Each phase of a run is timed as clang's -ftime-report times its passes
// (user, system and wall time of the process, llvm::TimeRecord): the per-TU
// step's parse, each check (clang-tidy's own check profile: its matchers,
// callbacks and end-of-TU work), the AST walk and teardown the checks do not
// own, and the writing of the TU's result; then the merge step's
// whole-program checks and report. A worker records its TU's phases in its
// result file; the run that reports sums them over every TU (and so over
// every worker of -j) and prints one table on stderr.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_TIMINGS_H
#define TENURE_ANALYZER_DRIVER_TIMINGS_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <utility>
#include <vector>

namespace tenure::analyzer {

struct PhaseTime {
  double Wall = 0, User = 0, System = 0;

  static PhaseTime between(llvm::TimeRecord Start, const llvm::TimeRecord &End);
  /// The time since \p Start.
  static PhaseTime since(const llvm::TimeRecord &Start);
  PhaseTime &operator+=(const PhaseTime &Other);
  PhaseTime &operator-=(const PhaseTime &Other);
};

/// Phases by name, in the order they were first added.
class Timings {
public:
  void add(llvm::StringRef Phase, const PhaseTime &Time);
  void add(const Timings &Other);
  bool empty() const { return Phases.empty(); }
  PhaseTime total() const;
  const std::vector<std::pair<std::string, PhaseTime>> &phases() const {
    return Phases;
  }

  llvm::json::Value toJSON() const;
  /// The "timings" of a result file; \p Path names it in errors.
  static llvm::Expected<Timings> fromJSON(const llvm::json::Value &V,
                                          llvm::StringRef Path);

  /// The table, in -ftime-report's layout, under \p Title.
  void print(llvm::raw_ostream &OS, llvm::StringRef Title) const;

private:
  std::vector<std::pair<std::string, PhaseTime>> Phases;
};

/// Adds the time from its construction to its destruction to a phase.
class ScopedPhase {
public:
  ScopedPhase(Timings *Into, llvm::StringRef Phase) : Into(Into), Phase(Phase) {
    if (Into)
      Start = llvm::TimeRecord::getCurrentTime(/*Start=*/true);
  }
  ~ScopedPhase() { stop(); }
  /// Ends the phase before the scope does.
  void stop() {
    if (Into)
      Into->add(Phase, PhaseTime::since(Start));
    Into = nullptr;
  }
  ScopedPhase(const ScopedPhase &) = delete;
  ScopedPhase &operator=(const ScopedPhase &) = delete;

private:
  Timings *Into;
  std::string Phase;
  llvm::TimeRecord Start;
};

/// The per-check times clang-tidy stored under \p Prefix
/// (ClangTidyContext::setProfileStoragePrefix), as phases "check <name>";
/// the files are removed.
llvm::Expected<Timings> readCheckProfiles(llvm::StringRef Prefix);

} // namespace tenure::analyzer

#endif
