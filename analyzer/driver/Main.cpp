//===- Main.cpp - tenure-analyze, the CI gate -----------------------------===//
//
// Runs the tenure checks over a compile database or files, one worker process
// per translation unit (-j of them at a time), merges what the workers found,
// answers the whole-program questions on the merged facts, and writes text,
// JSON or SARIF. The per-TU step is this same binary with --emit-facts, so a
// build system can run it as its own action and merge with --merge-facts.
//
// The parts: Options (the command line), Compilations and Paths (which
// files, under which names), Worker (the per-TU step and its processes), Run
// (the merge step), Gate (what is reported and the exit code), Fixes,
// Output (where reports go), Configuration (clang-tidy's options), FactsCache
// (--cache-dir), LineFilter (--line-filter, --changed-since), Programs (which
// units are merged together).
//
// Exit codes: 0 nothing fails the gate, 1 findings that fail it (--fail-on),
// 2 usage, configuration, parse or baseline error (or a worker that failed).
//
//===----------------------------------------------------------------------===//

#include "analyzer/driver/Compilations.h"
#include "analyzer/driver/Configuration.h"
#include "analyzer/driver/Options.h"
#include "analyzer/driver/Output.h"
#include "analyzer/driver/Programs.h"
#include "analyzer/driver/Run.h"
#include "analyzer/driver/Worker.h"

#include "clang-tidy/ClangTidy.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace tenure::analyzer;

namespace {

int fail(const llvm::Twine &Message) {
  llvm::errs() << "tenure-analyze: error: " << Message << '\n';
  return ExitError;
}

int fail(llvm::Error Err) { return fail(llvm::toString(std::move(Err))); }

/// Combinations of options that cannot mean what the user wants.
llvm::Error checkUsage(const Options &O) {
  if (!O.Checks.empty())
    if (llvm::Error Err = checkCheckNames(O.Checks))
      return Err;
  if (O.OnlyConfirmed && O.EvidenceFile.empty())
    return llvm::createStringError("--only-confirmed needs --evidence=<file>");
  if (!O.EmitFacts.empty() && !O.ReportOptionsGiven.empty())
    return llvm::createStringError(
        "--emit-facts writes one TU's facts; " + O.ReportOptionsGiven.front() +
        " belongs to the run that reports (--merge-facts)");
  if (!O.DepFile.empty() && O.EmitFacts.empty())
    return llvm::createStringError(
        "--depfile belongs to the per-TU step (--emit-facts)");
  if (O.OneProgram && !O.ProgramsFile.empty())
    return llvm::createStringError(
        "--programs and --one-program cannot be used together");
  if (O.RelativePaths && O.EmitFacts.empty())
    return llvm::createStringError(
        "--relative-paths belongs to the per-TU step (--emit-facts)");
  if (O.LineFilterJSON && O.ChangedSince)
    return llvm::createStringError(
        "--line-filter and --changed-since cannot be used together");
  if (O.ApplyFixes && !O.WriteBaselineFile.empty())
    return llvm::createStringError(
        "--fix and --write-baseline cannot be used together: the baseline "
        "would record the findings the fixes remove");
  return llvm::Error::success();
}

/// Reads the run's programs into In.Programs; \p Known: the units a
/// program file may name.
llvm::Error findPrograms(const Options &O, llvm::ArrayRef<std::string> Known,
                         RunInputs &In) {
  llvm::Expected<std::optional<ProgramList>> Programs = programsOfRun(O, Known);
  if (!Programs)
    return Programs.takeError();
  In.Programs = std::move(*Programs);
  return llvm::Error::success();
}

/// --dump-programs: the programs of the run as a program file, the units
/// of no program last; without programs, all units as one.
int dumpPrograms(const Options &O, const RunInputs &In,
                 llvm::ArrayRef<std::string> Units) {
  ProgramList Shown;
  if (!In.Programs) {
    Shown.Programs.push_back({"(all translation units)", Units.vec()});
  } else {
    for (const UnitGroup &G : groupUnits(*In.Programs, Units)) {
      Program P{G.Name, {}};
      for (size_t I : G.Units)
        P.Files.push_back(Units[I]);
      Shown.Programs.push_back(std::move(P));
    }
  }
  if (llvm::Error Err = writeOutput(
          O.Output.empty() ? "-" : O.Output,
          [&](llvm::raw_ostream &OS) { writeProgramFile(OS, Shown, In.Root); }))
    return fail(std::move(Err));
  return ExitClean;
}

int run(const Options &O) {
  if (llvm::Error Err = checkUsage(O))
    return fail(std::move(Err));
  if (O.FailOnLevel == FailOn::Confirmed && O.EvidenceFile.empty() &&
      O.EmitFacts.empty() && !O.Quiet)
    llvm::errs() << "tenure-analyze: warning: --fail-on=confirmed without "
                    "--evidence: no finding can be confirmed, so none fails "
                    "the gate\n";
  if (O.ListChecks) {
    auto Provider = makeOptionsProvider(O);
    if (!Provider)
      return fail(Provider.takeError());
    clang::tidy::ClangTidyOptions Options = (*Provider)->getOptions(".");
    for (const std::string &Name : clang::tidy::getCheckNames(Options, false))
      llvm::outs() << Name << '\n';
    return ExitClean;
  }
  if (O.VerifyConfig)
    return verifyConfig(O, O.Sources);
  if (O.DumpConfig)
    return dumpConfig(O, O.Sources.empty() ? "." : O.Sources.front());

  // The per-TU step reports nothing itself: no baseline, evidence or outputs.
  RunInputs In;
  if (O.EmitFacts.empty()) {
    llvm::Expected<RunInputs> Prepared = prepareRun(O);
    if (!Prepared)
      return fail(Prepared.takeError());
    In = std::move(*Prepared);
  }
  if (O.MergeFacts) {
    if (O.Sources.empty())
      return fail("--merge-facts needs the files written by --emit-facts");
    std::vector<TUResult> Results;
    Timings Times;
    std::vector<std::string> Units;
    {
      ScopedPhase Reading(O.Timings ? &Times : nullptr,
                          "merge: reading the facts files");
      for (const std::string &Path : O.Sources) {
        llvm::Expected<TUResult> R = readTUResult(Path);
        if (!R)
          return fail(R.takeError());
        Units.push_back(R->File);
        Results.push_back(std::move(*R));
      }
    }
    if (llvm::Error Err = findPrograms(O, Units, In))
      return fail(std::move(Err));
    if (O.DumpPrograms)
      return dumpPrograms(O, In, Units);
    return report(O, In, std::move(Results), {}, std::move(Times));
  }

  auto Compilations = loadCompilations(O);
  if (!Compilations)
    return fail(Compilations.takeError());
  llvm::Expected<SourceList> Sources = sourcesToAnalyse(O, **Compilations);
  if (!Sources)
    return fail(Sources.takeError());
  if (llvm::Error Err = checkConfigFiles(O, Sources->Files))
    return fail(std::move(Err));
  {
    auto Provider = makeOptionsProvider(O);
    if (!Provider)
      return fail(Provider.takeError());
    std::string First = Sources->Files.empty() ? "." : Sources->Files.front();
    clang::tidy::ClangTidyOptions Options = (*Provider)->getOptions(First);
    if (clang::tidy::getCheckNames(Options, false).empty())
      return fail("no checks enabled (checks: '" + Options.Checks.value_or("") +
                  "')");
  }

  if (O.EmitFacts.empty()) {
    // A bad program file is found before the analysis, not after it.
    std::vector<std::string> Known = (*Compilations)->getAllFiles();
    llvm::append_range(Known, Sources->Files);
    if (llvm::Error Err = findPrograms(O, Known, In))
      return fail(std::move(Err));
    if (O.DumpPrograms)
      return dumpPrograms(O, In, Sources->Files);
  }
  if (!O.EmitFacts.empty()) {
    if (Sources->Files.size() != 1)
      return fail("--emit-facts analyses exactly one source file");
    return emitFacts(O, **Compilations, Sources->Files.front());
  }
  std::optional<FactsCache> Cache;
  if (O.CacheDir) {
    llvm::Expected<FactsCache> Opened = FactsCache::open(*O.CacheDir);
    if (!Opened)
      return fail(Opened.takeError());
    Cache.emplace(std::move(*Opened));
  }
  llvm::Expected<WorkerRun> Run =
      runWorkers(O, Sources->Files, **Compilations, Cache ? &*Cache : nullptr);
  if (!Run)
    return fail(Run.takeError());
  if (Cache && !O.Quiet) {
    FactsCache::Stats S = Cache->stats();
    llvm::errs() << llvm::formatv(
        "tenure-analyze: cache {0}: {1} hit{2}, {3} miss{4}",
        Cache->directory(), S.Hits, S.Hits == 1 ? "" : "s",
        S.Misses + S.Corrupt, S.Misses + S.Corrupt == 1 ? "" : "es");
    if (S.Corrupt)
      llvm::errs() << llvm::formatv(" ({0} unreadable entr{1} recomputed)",
                                    S.Corrupt, S.Corrupt == 1 ? "y" : "ies");
    if (S.Unwritten)
      llvm::errs() << llvm::formatv(" ({0} result{1} could not be stored)",
                                    S.Unwritten, S.Unwritten == 1 ? "" : "s");
    llvm::errs() << '\n';
  }
  std::vector<std::string> Errors = std::move(Run->Failures);
  for (const std::string &Stale : Sources->Stale)
    Errors.push_back(Stale + ": no such file (a stale compile database entry)");
  return report(O, In, std::move(Run->Results), std::move(Errors));
}

} // namespace

int main(int argc, const char **argv) {
  llvm::InitLLVM Init(argc, argv);
  ParsedOptions Parsed = parseOptions(argc, argv);
  if (!Parsed.Parsed)
    return Parsed.ExitCode;
  if (Parsed.Parsed->DebugCounters)
    llvm::EnableStatistics(/*DoPrintOnExit=*/false);
  int Status = run(*Parsed.Parsed);
  if (Parsed.Parsed->DebugCounters)
    for (const auto &[Name, Value] : llvm::GetStatistics())
      llvm::errs() << "tenure-analyze: "
                   << (Parsed.Parsed->EmitFacts.empty() ? "" : "per-TU step ")
                   << "counter " << Name << ' ' << Value << '\n';
  return Status;
}
