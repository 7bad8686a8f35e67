//===- Options.h - tenure-analyze's command line, parsed once --*- C++ -*-===//
//
// The whole command line as one plain struct, filled once by parseOptions()
// and passed to the parts that need it; the flag names follow clang-tidy's
// where clang-tidy has the same flag (--header-filter, --extra-arg, ...).
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_OPTIONS_H
#define TENURE_ANALYZER_DRIVER_OPTIONS_H

#include "llvm/Support/Error.h"
#include <optional>
#include <string>
#include <vector>

namespace tenure::analyzer {

inline constexpr int ExitClean = 0;
inline constexpr int ExitFindings = 1;
inline constexpr int ExitError = 2;

enum class Format { Text, Sarif, Json };
enum class FailOn { Warning, Confirmed };

struct Options {
  std::string BuildPath;            ///< -p
  std::vector<std::string> Sources; ///< positional
  /// Flags after `--`: the compile command with no -p, appended to the
  /// database's commands with -p.
  std::optional<std::vector<std::string>> FlagsAfterDashDash;
  std::vector<std::string> ExtraArgs, ExtraArgsBefore;
  std::string Checks, Config, ConfigFile;
  std::optional<std::string> HeaderFilter, ExcludeHeaderFilter;
  unsigned Jobs = 0;
  Format OutputFormat = Format::Text;
  std::string Output; ///< Empty: stdout.
  std::string ExportFixes;
  bool ApplyFixes = false;
  bool ListChecks = false;
  bool VerifyConfig = false;
  bool DumpConfig = false;
  bool Quiet = false;
  bool Timings = false;       ///< --timings
  bool DebugCounters = false; ///< --debug-counters
  std::string EmitFacts;
  std::string DepFile; ///< With --emit-facts: a Makefile-style depfile.
  /// With --emit-facts: files under the current directory keep relative
  /// names (a build action's result must not name the machine's paths).
  bool RelativePaths = false;
  /// --cache-dir, else $TENURE_CACHE_DIR; unset: no cache.
  std::optional<std::string> CacheDir;
  std::optional<std::string> LineFilterJSON; ///< --line-filter
  std::optional<std::string> ChangedSince;   ///< --changed-since
  bool MergeFacts = false;
  /// --programs: a program file or a CMake build folder (Programs.h).
  std::string ProgramsFile;
  bool OneProgram = false;   ///< --one-program
  bool DumpPrograms = false; ///< --dump-programs
  std::string EvidenceFile;
  bool OnlyConfirmed = false;
  std::string CycleGraph;
  std::string BaselineFile, WriteBaselineFile;
  FailOn FailOnLevel = FailOn::Warning;
  /// The report options given (for the --emit-facts check), as "--name".
  std::vector<std::string> ReportOptionsGiven;
  /// What main() was called as, for re-running itself as a worker.
  std::string Argv0;
};

/// The result of parsing: the options, or the exit code of a run that is
/// over already (--help, --version: 0; a usage error: 2, said on stderr).
struct ParsedOptions {
  std::optional<Options> Parsed;
  int ExitCode = ExitClean;
};

/// Parses the command line. Unknown options are usage errors: no prefix or
/// single-letter grouping turns a mistyped --header-filer into -h.
ParsedOptions parseOptions(int Argc, const char **Argv);

/// The arguments a worker (--emit-facts) gets from \p O to analyse one file
/// with the same configuration.
std::vector<std::string> workerArguments(const Options &O,
                                         llvm::StringRef ResultPath,
                                         llvm::StringRef File);

} // namespace tenure::analyzer

#endif
