//===- Options.cpp - tenure-analyze's command line, parsed once -----------===//

#include "analyzer/driver/Options.h"

#include "analyzer/model/Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/StringSaver.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>

namespace tenure::analyzer {
namespace cl = llvm::cl;

namespace {

// The cl::opt objects are this file's business: parseOptions() reads each
// once into an Options, and nothing else looks at them.
cl::OptionCategory Category("tenure-analyze options");

cl::opt<std::string>
    BuildPath("p", cl::desc("Build directory with compile_commands.json"),
              cl::value_desc("dir"), cl::cat(Category));
cl::list<std::string> Sources(cl::Positional,
                              cl::desc("[<source>...] [-- <compiler flags>]"),
                              cl::cat(Category));
cl::opt<std::string> Checks(
    "checks",
    cl::desc("Comma-separated globs of checks, added to the configuration's "
             "(default: -*,tenure-*)"),
    cl::cat(Category));
cl::opt<std::string>
    Config("config",
           cl::desc("Configuration in .clang-tidy format (YAML/JSON)"),
           cl::cat(Category));
cl::opt<std::string>
    ConfigFile("config-file", cl::desc("Read the configuration from this file"),
               cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Regular expression: report findings in the headers it matches "
             "(the path as reported, or the absolute path); main files are "
             "always reported. Overrides the configuration's "
             "HeaderFilterRegex (default: every header but system headers)"),
    cl::value_desc("regex"), cl::cat(Category));
cl::opt<std::string> ExcludeHeaderFilter(
    "exclude-header-filter",
    cl::desc("Regular expression: no findings in the headers it matches, "
             "even when --header-filter matches them"),
    cl::value_desc("regex"), cl::cat(Category));
cl::list<std::string>
    ExtraArgs("extra-arg",
              cl::desc("Add this argument to the end of every compile command"),
              cl::value_desc("arg"), cl::cat(Category));
cl::list<std::string> ExtraArgsBefore(
    "extra-arg-before",
    cl::desc("Add this argument to the start of every compile command"),
    cl::value_desc("arg"), cl::cat(Category));
cl::opt<unsigned> Jobs("j",
                       cl::desc("Translation units analysed in parallel "
                                "(default: all cores)"),
                       cl::init(0), cl::cat(Category));
cl::opt<Format> OutputFormat(
    "format", cl::desc("Report format"),
    cl::values(clEnumValN(Format::Text, "text", "clang-style diagnostics"),
               clEnumValN(Format::Sarif, "sarif", "SARIF 2.1.0"),
               clEnumValN(Format::Json, "json", "tenure's JSON")),
    cl::init(Format::Text), cl::cat(Category));
cl::opt<std::string> Output(
    "output",
    cl::desc("Write the report here ('-' or none: stdout; a link is written "
             "through, a FIFO streamed into)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> ApplyFixes("fix", cl::desc("Apply the suggested fix-its"),
                         cl::cat(Category));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fix-its as YAML that clang-apply-replacements reads"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> Quiet("quiet",
                    cl::desc("No summary or notes on stderr, only errors"),
                    cl::cat(Category));
cl::opt<bool> Timings(
    "timings",
    cl::desc("Print on stderr where the time went: the parse, each check, "
             "the facts, the merge and the report, summed over the "
             "translation units"),
    cl::cat(Category));
// For tests that bound the work of a step (not its time): LLVM statistics
// such as the bytes of source text read to place findings.
cl::opt<bool> DebugCounters(
    "debug-counters",
    cl::desc("Print the driver's work counters on stderr at exit"), cl::Hidden,
    cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the enabled checks and exit"),
                         cl::cat(Category));
cl::opt<bool> VerifyConfig(
    "verify-config",
    cl::desc("Check the configuration's check names and options and exit"),
    cl::cat(Category));
cl::opt<bool> DumpConfig(
    "dump-config",
    cl::desc("Print the configuration a file (or the current directory) "
             "gets and exit"),
    cl::cat(Category));
cl::opt<std::string> EmitFacts(
    "emit-facts",
    cl::desc("Per-TU step: analyse the one source given and write its facts "
             "and findings to this file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> DepFile(
    "depfile",
    cl::desc("With --emit-facts: also write the files the unit read as a "
             "Makefile-style dependency file (for build systems)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> RelativePaths(
    "relative-paths",
    cl::desc("With --emit-facts, for build actions run in a sandbox or on "
             "another machine: analyse the source by the name given (so "
             "headers are found only among the action's inputs) and name the "
             "files under the current directory relative to it in the "
             "result, not by their real paths"),
    cl::cat(Category));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Keep each translation unit's result in this directory and reuse "
             "it while the unit, every file it includes, its compile command "
             "and the configuration are unchanged (default: "
             "$TENURE_CACHE_DIR, else no cache)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> LineFilterJSON(
    "line-filter",
    cl::desc("Report only findings on these lines, in clang-tidy's form: "
             "[{\"name\":\"file.cpp\",\"lines\":[[1,3],[5,7]]},...]"),
    cl::value_desc("json"), cl::cat(Category));
cl::opt<std::string> ChangedSince(
    "changed-since",
    cl::desc("Report only findings on lines changed since this git revision "
             "(committed, staged, unstaged or untracked)"),
    cl::value_desc("revision"), cl::cat(Category));
cl::opt<std::string> EvidenceFile(
    "evidence",
    cl::desc("Runtime evidence written by tests in verification mode "
             "(TENURE_EVIDENCE): mark the findings it confirms and report the "
             "cycles it saw that no finding explains"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> OnlyConfirmed(
    "only-confirmed",
    cl::desc("Report only findings the evidence confirmed (needs --evidence)"),
    cl::cat(Category));
cl::opt<std::string> CycleGraph(
    "cycle-graph",
    cl::desc("Write the reported reference cycles as a Graphviz DOT graph"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> MergeFacts(
    "merge-facts",
    cl::desc("Merge step: the positional arguments are --emit-facts outputs"),
    cl::cat(Category));
cl::opt<std::string> ProgramsFile(
    "programs",
    cl::desc("Which translation units make one program, for the "
             "whole-program checks: a program file, or a CMake build folder "
             "whose file API reply to read (default: the reply in -p's "
             "folder when there is one, else every unit is one program)"),
    cl::value_desc("file|dir"), cl::cat(Category));
cl::opt<bool> OneProgram(
    "one-program",
    cl::desc("Merge every translation unit as one program, whatever the "
             "build's link structure"),
    cl::cat(Category));
cl::opt<bool> DumpPrograms(
    "dump-programs",
    cl::desc("Print the programs the run would merge, as a program file, "
             "and exit"),
    cl::cat(Category));
cl::opt<std::string> BaselineFile(
    "baseline",
    cl::desc("Report only findings not recorded in this baseline file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> WriteBaselineFile(
    "write-baseline",
    cl::desc("Record this run's findings in this file and exit 0; with "
             "--baseline, keep only the recorded findings still present"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<FailOn> FailOnLevel(
    "fail-on", cl::desc("Which reported findings make the exit code 1"),
    cl::values(clEnumValN(FailOn::Warning, "warning", "every finding"),
               clEnumValN(FailOn::Confirmed, "confirmed",
                          "findings confirmed at runtime, and runtime-only "
                          "ones")),
    cl::init(FailOn::Warning), cl::cat(Category));

constexpr llvm::StringLiteral Overview =
    "Finds reference-count retention bugs (tenure checks) in C++.\n\n"
    "  tenure-analyze -p build                  every file of a compile "
    "database\n"
    "  tenure-analyze a.cpp b.cpp -- -std=c++20  files with explicit flags\n"
    "  tenure-analyze -p build a.cpp -- -DX      a.cpp's database command, "
    "-DX appended\n\n"
    "  tenure-analyze -p build --baseline=tenure-baseline.json\n"
    "                                           only findings not in the "
    "baseline\n\n"
    "Exit codes: 0 nothing fails the gate, 1 findings that fail it "
    "(--fail-on),\n"
    "            2 usage/configuration/parse/baseline error.\n";

void usageError(const llvm::Twine &Message) {
  llvm::errs() << "tenure-analyze: error: " << Message << '\n';
}

/// LLVM's parser treats a single-letter option as groupable, so
/// --header-filer=x is read as -h (help) and exits 0: the gate would pass
/// without analysing. Only the exact names of tenure's options are taken.
bool checkOptionNames(llvm::ArrayRef<const char *> Args) {
  llvm::StringMap<cl::Option *> &Registered = cl::getRegisteredOptions();
  llvm::StringSet<> Known = {"help", "version"};
  std::vector<std::string> Names;
  for (auto &[Name, Opt] : Registered)
    if (llvm::is_contained(Opt->Categories, &Category)) {
      Known.insert(Name);
      Names.push_back(Name.str());
    }
  for (size_t I = 1; I < Args.size(); ++I) {
    llvm::StringRef Arg = Args[I];
    if (!Arg.starts_with("-") || Arg == "-")
      continue;
    llvm::StringRef Typed = Arg.split('=').first;
    llvm::StringRef Name = Typed.drop_front(Typed.starts_with("--") ? 2 : 1);
    if (!Known.contains(Name)) {
      std::string Nearest;
      unsigned Best = 3;
      for (const std::string &Candidate : Names) {
        unsigned D = Name.edit_distance(Candidate, true, Best);
        if (D < Best) {
          Best = D;
          Nearest = Candidate;
        }
      }
      usageError(
          "unknown option '" + Typed + "'" +
          (Nearest.empty() ? "" : "; did you mean '--" + Nearest + "'?") +
          " (see --help)");
      return false;
    }
    cl::Option *Opt = Registered.lookup(Name);
    if (Opt && !Arg.contains('=') &&
        Opt->getValueExpectedFlag() == cl::ValueRequired)
      ++I; // "-p build": the value is the next argument.
  }
  return true;
}

bool checkRegex(llvm::StringRef Flag, const cl::opt<std::string> &Value) {
  if (!Value.getNumOccurrences())
    return true;
  std::string Error;
  if (llvm::Regex(Value).isValid(Error))
    return true;
  usageError("--" + Flag + ": invalid regular expression '" + Value +
             "': " + Error);
  return false;
}

} // namespace

ParsedOptions parseOptions(int Argc, const char **Argv) {
  ParsedOptions Result;
  Result.ExitCode = ExitError;
  // Compiler flags after "--" belong to the sources, not to us.
  int OwnArgs = Argc;
  std::optional<std::vector<std::string>> AfterDashDash;
  for (int I = 1; I < Argc; ++I)
    if (llvm::StringRef(Argv[I]) == "--") {
      OwnArgs = I;
      AfterDashDash.emplace(Argv + I + 1, Argv + Argc);
      break;
    }

  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Saver(Alloc);
  llvm::SmallVector<const char *, 32> Args(Argv, Argv + OwnArgs);
  cl::ExpansionContext Expand(Alloc, cl::TokenizeGNUCommandLine);
  if (llvm::Error Err = Expand.expandResponseFiles(Args)) {
    usageError(llvm::toString(std::move(Err)));
    return Result;
  }

  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "tenure-analyze " << Version << " (built with Clang "
       << LLVM_VERSION_STRING << ")\n";
  });
  if (!checkOptionNames(Args))
    return Result;
  if (!cl::ParseCommandLineOptions(Args.size(), Args.data(), Overview,
                                   &llvm::errs()))
    return Result;
  if (!checkRegex("header-filter", HeaderFilter) ||
      !checkRegex("exclude-header-filter", ExcludeHeaderFilter))
    return Result;

  Options O;
  O.BuildPath = BuildPath;
  O.Sources.assign(Sources.begin(), Sources.end());
  O.FlagsAfterDashDash = std::move(AfterDashDash);
  O.ExtraArgs.assign(ExtraArgs.begin(), ExtraArgs.end());
  O.ExtraArgsBefore.assign(ExtraArgsBefore.begin(), ExtraArgsBefore.end());
  O.Checks = Checks;
  O.Config = Config;
  O.ConfigFile = ConfigFile;
  if (HeaderFilter.getNumOccurrences())
    O.HeaderFilter = HeaderFilter;
  if (ExcludeHeaderFilter.getNumOccurrences())
    O.ExcludeHeaderFilter = ExcludeHeaderFilter;
  O.Jobs = Jobs;
  O.OutputFormat = OutputFormat;
  O.Output = Output;
  O.ExportFixes = ExportFixes;
  O.ApplyFixes = ApplyFixes;
  O.ListChecks = ListChecks;
  O.VerifyConfig = VerifyConfig;
  O.DumpConfig = DumpConfig;
  O.Quiet = Quiet;
  O.Timings = Timings;
  O.DebugCounters = DebugCounters;
  O.EmitFacts = EmitFacts;
  O.DepFile = DepFile;
  O.RelativePaths = RelativePaths;
  if (CacheDir.getNumOccurrences())
    O.CacheDir = CacheDir;
  else if (const char *FromEnvironment = std::getenv("TENURE_CACHE_DIR");
           FromEnvironment && *FromEnvironment)
    O.CacheDir = FromEnvironment;
  if (LineFilterJSON.getNumOccurrences())
    O.LineFilterJSON = LineFilterJSON;
  if (ChangedSince.getNumOccurrences())
    O.ChangedSince = ChangedSince;
  O.MergeFacts = MergeFacts;
  O.ProgramsFile = ProgramsFile;
  O.OneProgram = OneProgram;
  O.DumpPrograms = DumpPrograms;
  O.EvidenceFile = EvidenceFile;
  O.OnlyConfirmed = OnlyConfirmed;
  O.CycleGraph = CycleGraph;
  O.BaselineFile = BaselineFile;
  O.WriteBaselineFile = WriteBaselineFile;
  O.FailOnLevel = FailOnLevel;
  for (const cl::Option *Report : std::initializer_list<const cl::Option *>{
           &EvidenceFile, &OnlyConfirmed, &CycleGraph, &BaselineFile,
           &WriteBaselineFile, &Output, &ApplyFixes, &ExportFixes,
           &LineFilterJSON, &ChangedSince, &ProgramsFile, &OneProgram,
           &DumpPrograms})
    if (Report->getNumOccurrences())
      O.ReportOptionsGiven.push_back(("--" + Report->ArgStr).str());
  O.Argv0 = Argv[0];
  Result.Parsed = std::move(O);
  Result.ExitCode = ExitClean;
  return Result;
}

std::vector<std::string> workerArguments(const Options &O,
                                         llvm::StringRef ResultPath,
                                         llvm::StringRef File) {
  std::vector<std::string> Args = {"--emit-facts=" + ResultPath.str()};
  if (!O.Checks.empty())
    Args.push_back("--checks=" + O.Checks);
  if (!O.Config.empty())
    Args.push_back("--config=" + O.Config);
  if (!O.ConfigFile.empty())
    Args.push_back("--config-file=" + O.ConfigFile);
  if (O.HeaderFilter)
    Args.push_back("--header-filter=" + *O.HeaderFilter);
  if (O.ExcludeHeaderFilter)
    Args.push_back("--exclude-header-filter=" + *O.ExcludeHeaderFilter);
  for (const std::string &A : O.ExtraArgs)
    Args.push_back("--extra-arg=" + A);
  for (const std::string &A : O.ExtraArgsBefore)
    Args.push_back("--extra-arg-before=" + A);
  if (O.Timings)
    Args.push_back("--timings");
  if (O.DebugCounters)
    Args.push_back("--debug-counters");
  if (!O.BuildPath.empty())
    Args.push_back("-p=" + O.BuildPath);
  Args.push_back(File.str());
  if (O.FlagsAfterDashDash) {
    Args.push_back("--");
    llvm::append_range(Args, *O.FlagsAfterDashDash);
  }
  return Args;
}

} // namespace tenure::analyzer
