//===- Run.cpp - The run that reports: merge, judge, gate, write ----------===//

#include "analyzer/driver/Run.h"

#include "analyzer/driver/Configuration.h"
#include "analyzer/driver/Fixes.h"
#include "analyzer/driver/Gate.h"
#include "analyzer/driver/Output.h"
#include "analyzer/driver/Paths.h"
#include "analyzer/driver/SourceCache.h"
#include "analyzer/driver/Timings.h"
#include "analyzer/io/Report.h"
#include "analyzer/model/CheckRegistry.h"
#include "analyzer/model/EvidenceMatch.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"
#include <set>
#include <tuple>

namespace tenure::analyzer {
using namespace clang::tidy;

namespace {

void error(const llvm::Twine &Message) {
  llvm::errs() << "tenure-analyze: error: " << Message << '\n';
}

std::string plural(size_t N, llvm::StringRef One, llvm::StringRef Many) {
  return llvm::formatv("{0} {1}", N, N == 1 ? One : Many).str();
}

/// Whether a finding the driver makes is reported: the check is enabled for
/// the file and no NOLINT comment suppresses it.
bool reportable(ClangTidyOptionsProvider &Provider, SourceCache &Cache,
                llvm::StringRef Check, const Location &Loc) {
  return checkEnabled(Provider, Loc.File, Check) &&
         !Cache.suppressedByNoLint(Loc, Check);
}

/// The whole-program checks' findings over the merged facts. Those disabled
/// or suppressed go to \p Suppressed: runtime evidence of them is theirs too.
void addMergedFindings(const Facts &Merged, ClangTidyOptionsProvider &Provider,
                       SourceCache &Cache, std::vector<Finding> &Out,
                       std::vector<Finding> &Suppressed) {
  for (const CheckDescriptor &Check : allChecks()) {
    if (!Check.FindInMergedFacts)
      continue;
    for (Finding &F : Check.FindInMergedFacts(Merged))
      (reportable(Provider, Cache, F.Check, F.Loc) ? Out : Suppressed)
          .push_back(std::move(F));
  }
}

/// The whole-program findings of each program, from its units' facts
/// alone, so that no finding or note joins two programs' types of the same
/// name. A finding two programs make (in a header both include) is kept
/// once, with the first program's notes. \p Units is used up except for
/// the units \p Keep says the caller still needs.
void addProgramFindings(llvm::ArrayRef<UnitGroup> Groups,
                        std::vector<Facts> &Units, bool Keep,
                        ClangTidyOptionsProvider &Provider, SourceCache &Cache,
                        std::vector<Finding> &Out,
                        std::vector<Finding> &Suppressed) {
  std::vector<unsigned> Uses(Units.size());
  for (const UnitGroup &G : Groups)
    for (size_t I : G.Units)
      ++Uses[I];
  std::set<std::tuple<Location, std::string, std::string>> Seen;
  auto AddNew = [&](std::vector<Finding> &From, std::vector<Finding> &To) {
    for (Finding &F : From)
      if (Seen.emplace(F.Loc, F.Check, F.Message).second)
        To.push_back(std::move(F));
  };
  for (const UnitGroup &G : Groups) {
    std::vector<Facts> Parts;
    for (size_t I : G.Units)
      Parts.push_back(--Uses[I] || Keep ? Units[I] : std::move(Units[I]));
    std::vector<Finding> Found, Quiet;
    addMergedFindings(mergeFacts(std::move(Parts)), Provider, Cache, Found,
                      Quiet);
    AddNew(Found, Out);
    AddNew(Quiet, Suppressed);
  }
}

/// Marks what the evidence confirms, adds the runtime-only cycles and says
/// on stderr what could not be matched. A suppressed finding still explains
/// the cycles it predicted: they must not come back as runtime-only.
void applyEvidence(const Options &O, const Evidence &Seen,
                   std::vector<Finding> &Findings,
                   std::vector<Finding> Suppressed, const Facts &Merged,
                   ClangTidyOptionsProvider &Provider, SourceCache &Cache) {
  size_t Reported = Findings.size();
  llvm::append_range(Findings, std::move(Suppressed));
  MatchSummary Matched =
      matchEvidence(Findings, Seen, Merged,
                    [&](llvm::StringRef File) { return Cache.text(File); });
  Findings.resize(Reported);
  for (Finding &R : Matched.RuntimeOnly)
    if (reportable(Provider, Cache, R.Check, R.Loc))
      Findings.push_back(std::move(R));
  if (O.Quiet)
    return;
  if (!Matched.UnknownCycles.empty())
    llvm::errs() << llvm::formatv(
        "tenure-analyze: note: {0}: {1} leaked cycle{2} through types the "
        "analysed code does not declare, not reported (first: {3})\n",
        O.EvidenceFile, Matched.UnknownCycles.size(),
        Matched.UnknownCycles.size() == 1 ? "" : "s",
        Matched.UnknownCycles.front());
  if (!Seen.empty() && Matched.RecordsUsed == 0)
    llvm::errs() << "tenure-analyze: warning: " << O.EvidenceFile
                 << ": nothing in the evidence matches the analysed code (is "
                    "it from another project or an old build?); no finding "
                    "is confirmed\n";
}

/// --header-filter and --exclude-header-filter, as clang-tidy applies them
/// (main files always shown), tried on the path as reported and on the
/// canonical path.
void filterHeaders(const Options &O, const llvm::StringSet<> &MainFiles,
                   llvm::StringRef Root, std::vector<Finding> &Findings) {
  if (!O.HeaderFilter && !O.ExcludeHeaderFilter)
    return;
  std::optional<llvm::Regex> Keep, Drop;
  if (O.HeaderFilter)
    Keep.emplace(*O.HeaderFilter);
  if (O.ExcludeHeaderFilter)
    Drop.emplace(*O.ExcludeHeaderFilter);
  auto Matches = [&](llvm::Regex &R, llvm::StringRef File) {
    return R.match(displayPath(File, Root)) || R.match(File);
  };
  llvm::erase_if(Findings, [&](const Finding &F) {
    if (F.Loc.File.empty() || MainFiles.contains(F.Loc.File))
      return false;
    return (Keep && !Matches(*Keep, F.Loc.File)) ||
           (Drop && Matches(*Drop, F.Loc.File));
  });
}

llvm::Error writeBaselineFile(const Options &O,
                              llvm::ArrayRef<Finding> Findings,
                              llvm::StringRef Root) {
  Baseline B = makeBaseline(Findings, Root);
  if (llvm::Error Err =
          writeOutput(O.WriteBaselineFile,
                      [&](llvm::raw_ostream &OS) { writeBaseline(OS, B); }))
    return llvm::createStringError(
        O.WriteBaselineFile +
        ": cannot write the baseline: " + llvm::toString(std::move(Err)));
  if (!O.Quiet)
    llvm::errs() << "tenure-analyze: recorded "
                 << plural(B.Entries.size(), "finding", "findings") << " in "
                 << O.WriteBaselineFile << '\n';
  return llvm::Error::success();
}

/// Applies the reported findings' fixes and says what it did.
llvm::Error fix(const Options &O, const std::vector<Finding> &Findings,
                const llvm::StringMap<std::string> &Read,
                llvm::StringRef Root) {
  AppliedFixes Applied;
  llvm::Error Err = applyFixes(Findings, Read, Applied);
  if (!O.Quiet && Applied.Findings && !Applied.Files.empty()) {
    std::vector<std::string> Shown;
    for (const std::string &File : Applied.Files)
      Shown.push_back(displayPath(File, Root));
    llvm::errs() << "tenure-analyze: applied "
                 << plural(Applied.Findings, "fix", "fixes") << " to "
                 << plural(Applied.Files.size(), "file", "files") << ": "
                 << llvm::join(Shown, ", ") << '\n';
  }
  return Err;
}

/// Each output a run may write, and what it is called in errors.
struct OutputTarget {
  const std::string *Path;
  llvm::StringLiteral What;
};

} // namespace

llvm::Expected<RunInputs> prepareRun(const Options &O) {
  RunInputs In;
  llvm::Expected<std::string> Root = canonicalCurrentDirectory();
  if (!Root)
    return Root.takeError();
  In.Root = std::move(*Root);

  // An unwritable target found now, not after the analysis; two outputs on
  // stdout would interleave.
  const OutputTarget Targets[] = {{&O.Output, "the report"},
                                  {&O.WriteBaselineFile, "the baseline"},
                                  {&O.CycleGraph, "the cycle graph"},
                                  {&O.ExportFixes, "the fixes"}};
  unsigned OnStdout = O.Output.empty() || O.Output == "-";
  for (const OutputTarget &T : Targets) {
    if (T.Path->empty())
      continue;
    if (T.Path != &O.Output && *T.Path == "-" && ++OnStdout > 1)
      return llvm::createStringError(
          "only one output can go to stdout ('-'): give the report an "
          "--output=<file>");
    if (llvm::Error Err = checkWritable(*T.Path))
      return llvm::createStringError(*T.Path + ": cannot write " + T.What +
                                     ": " + llvm::toString(std::move(Err)));
  }

  if (!O.BaselineFile.empty()) {
    auto Text = llvm::MemoryBuffer::getFile(O.BaselineFile);
    if (!Text)
      return llvm::createStringError(
          O.BaselineFile +
          ": cannot read the baseline: " + Text.getError().message());
    llvm::Expected<Baseline> B =
        parseBaseline((*Text)->getBuffer(), O.BaselineFile);
    if (!B)
      return B.takeError();
    if (llvm::Error Stale = checkNotStale(*B, In.Root, O.BaselineFile))
      return Stale;
    In.Accepted = std::move(*B);
  }
  if (O.LineFilterJSON || O.ChangedSince) {
    llvm::Expected<LineFilter> F =
        O.LineFilterJSON
            ? LineFilter::fromJSON(*O.LineFilterJSON, "--line-filter")
            : LineFilter::changedSince(*O.ChangedSince, In.Root);
    if (!F)
      return F.takeError();
    In.Lines = std::move(*F);
  }
  if (!O.EvidenceFile.empty()) {
    llvm::Expected<Evidence> E = readEvidence(O.EvidenceFile);
    if (!E)
      return E.takeError();
    In.Seen = std::move(*E);
  }
  return In;
}

int report(const Options &O, const RunInputs &In, std::vector<TUResult> Results,
           std::vector<std::string> Errors, Timings Times) {
  auto Provider = makeOptionsProvider(O);
  if (!Provider) {
    error(llvm::toString(Provider.takeError()));
    return ExitError;
  }
  // The TUs' phases first (summed over the workers), then this step's.
  Timings All;
  size_t Timed = 0;
  for (const TUResult &R : Results)
    if (!R.Times.empty()) {
      All.add(R.Times);
      ++Timed;
    }
  All.add(Times);
  auto PrintTimings = [&] {
    if (!O.Timings)
      return;
    std::string Title =
        llvm::formatv("tenure-analyze timings, {0} summed",
                      plural(Timed, "translation unit", "translation units"));
    if (Timed < Results.size())
      Title += llvm::formatv(" ({0} from the cache, not timed)",
                             Results.size() - Timed);
    All.print(llvm::errs(), Title);
  };
  std::optional<ScopedPhase> Phase;
  if (O.Timings)
    Phase.emplace(&All, "merge: the whole-program checks");
  SourceCache Cache;
  std::vector<Facts> AllFacts;
  std::vector<Finding> Findings;
  llvm::StringSet<> MainFiles;
  // What the analysis read, by content: the files --fix may write. A file
  // two TUs read differently changed during the run: none of its fixes.
  llvm::StringMap<std::string> Read;
  int ParseErrors = 0;
  for (TUResult &R : Results) {
    AllFacts.push_back(std::move(R.TUFacts));
    llvm::append_range(Findings, R.Findings);
    ParseErrors += R.ParseErrors;
    MainFiles.insert(R.File);
    for (const auto &[File, Hash] : R.Sources) {
      auto [It, New] = Read.try_emplace(File, Hash);
      if (!New && It->second != Hash)
        It->second.clear();
    }
  }
  std::vector<Finding> Suppressed;
  // The evidence does not say which program a test ran in: it is matched
  // against the facts of all units.
  std::optional<Facts> Merged;
  std::vector<UnitGroup> Groups;
  if (In.Programs) {
    std::vector<std::string> Units;
    for (const TUResult &R : Results)
      Units.push_back(R.File);
    Groups = groupUnits(*In.Programs, Units);
    addProgramFindings(Groups, AllFacts, In.Seen.has_value(), **Provider, Cache,
                       Findings, Suppressed);
    if (In.Seen)
      Merged = mergeFacts(std::move(AllFacts));
  } else {
    Merged = mergeFacts(std::move(AllFacts));
    addMergedFindings(*Merged, **Provider, Cache, Findings, Suppressed);
  }
  if (Phase) {
    Phase.reset();
    Phase.emplace(&All, "report: evidence, gate, outputs");
  }
  // A header's finding seen from several TUs is one finding (with the notes
  // of all) before the runtime's counts are added to it.
  sortAndDeduplicate(Findings);
  if (In.Seen) {
    applyEvidence(O, *In.Seen, Findings, std::move(Suppressed), *Merged,
                  **Provider, Cache);
    sortAndDeduplicate(Findings);
  }
  filterHeaders(O, MainFiles, In.Root, Findings);

  bool Complete = !ParseErrors && Errors.empty();
  GateOptions Gate;
  Gate.FailOnLevel = O.FailOnLevel;
  Gate.OnlyConfirmed = O.OnlyConfirmed;
  Gate.WritesBaseline = !O.WriteBaselineFile.empty();
  Gate.Lines = In.Lines ? &*In.Lines : nullptr;
  GateDecision D =
      decide(std::move(Findings), Gate, In.Accepted ? &*In.Accepted : nullptr,
             In.Seen ? &*In.Seen : nullptr, Complete, In.Root);
  int Status = D.ExitCode;
  auto Failed = [&](llvm::Error Err) {
    if (!Err)
      return;
    llvm::handleAllErrors(std::move(Err), [&](const llvm::ErrorInfoBase &E) {
      error(E.message());
      Errors.push_back(E.message());
    });
    Status = ExitError;
  };

  // Everything but the report first, so the report (SARIF's invocation)
  // has the run's real exit code.
  if (O.ApplyFixes) {
    // As clang-tidy does: code that does not compile is not rewritten.
    if (ParseErrors)
      llvm::errs() << "tenure-analyze: not applying fixes: the code has "
                      "compiler errors\n";
    else
      Failed(fix(O, D.Reported, Read, In.Root));
  }
  if (!O.ExportFixes.empty())
    Failed(writeOutput(O.ExportFixes, [&](llvm::raw_ostream &OS) {
      writeExportedFixes(OS, D.Reported,
                         [&](const Location &L) { return Cache.offset(L); });
    }));
  if (!O.WriteBaselineFile.empty()) {
    if (D.WriteBaseline)
      Failed(writeBaselineFile(O, D.Recorded, In.Root));
    else
      error("not writing the baseline " + O.WriteBaselineFile +
            ": the run had compiler errors or failed translation units");
  }
  if (!O.CycleGraph.empty())
    if (llvm::Error Err = writeOutput(O.CycleGraph, [&](llvm::raw_ostream &OS) {
          writeCycleGraph(OS, D.Reported);
        }))
      Failed(llvm::createStringError(
          O.CycleGraph +
          ": cannot write the cycle graph: " + llvm::toString(std::move(Err))));

  std::string Path = O.Output.empty() ? "-" : O.Output;
  SarifInvocation Invocation{Status, Errors};
  if (llvm::Error Err = writeOutput(Path, [&](llvm::raw_ostream &OS) {
        switch (O.OutputFormat) {
        case Format::Text:
          writeText(OS, D.Reported, In.Root);
          break;
        case Format::Json:
          writeJSON(OS, D.Reported, In.Root);
          break;
        case Format::Sarif:
          writeSARIF(OS, D.Reported, In.Root, Invocation);
          break;
        }
      }))
    Failed(llvm::createStringError(
        Path + ": cannot write the report: " + llvm::toString(std::move(Err))));

  Phase.reset();
  PrintTimings();
  if (O.Quiet)
    return Status;
  if (D.BaselineCounts) {
    auto [Accepted, Unmatched] = *D.BaselineCounts;
    llvm::errs() << "tenure-analyze: "
                 << plural(Accepted, "finding", "findings")
                 << " accepted by the baseline " << O.BaselineFile;
    if (Unmatched)
      llvm::errs() << llvm::formatv(
          "; {0} baseline entr{1} no longer match{2} (fixed or changed: "
          "rewrite it with --write-baseline to drop them)",
          Unmatched, Unmatched == 1 ? "y" : "ies", Unmatched == 1 ? "es" : "");
    llvm::errs() << '\n';
  }
  std::string Scope;
  if (In.Programs) {
    Scope = llvm::formatv(", merged as {0} ({1})",
                          plural(Groups.size(), "program", "programs"),
                          displayPath(In.Programs->Origin, In.Root));
    if (!Groups.empty() && Groups.back().OfNoProgram)
      llvm::errs() << llvm::formatv(
          "tenure-analyze: note: {0} in no program of {1}, merged as one "
          "more program (first: {2})\n",
          plural(Groups.back().Units.size(), "translation unit is",
                 "translation units are"),
          displayPath(In.Programs->Origin, In.Root),
          displayPath(Results[Groups.back().Units.front()].File, In.Root));
  } else if (Results.size() > 1 && O.ProgramsFile.empty() && !O.OneProgram &&
             !O.BuildPath.empty()) {
    std::string Query = cmakeQueryFile(O.BuildPath);
    if (!Query.empty())
      llvm::errs() << "tenure-analyze: note: whole-program checks merge all "
                      "translation units as one program: "
                   << O.BuildPath
                   << " has no CMake file API codemodel reply (touch " << Query
                   << " and re-run cmake to merge per executable and "
                      "library)\n";
  }
  size_t Warnings = llvm::count_if(D.Reported, [](const Finding &F) {
    return F.Severity == Level::Warning;
  });
  std::string Runtime;
  if (In.Seen) {
    size_t RuntimeOnly = llvm::count_if(
        D.Reported, [](const Finding &F) { return F.RuntimeOnly; });
    size_t Confirmed = llvm::count_if(D.Reported, [](const Finding &F) {
      return F.Confirmed && !F.RuntimeOnly;
    });
    Runtime = llvm::formatv(" ({0} confirmed at runtime, {1} runtime-only)",
                            Confirmed, RuntimeOnly);
  }
  llvm::errs() << llvm::formatv(
      "tenure-analyze: {0}{1} in {2}{4}{3}\n",
      plural(Warnings, "finding", "findings"), Runtime,
      plural(Results.size(), "translation unit", "translation units"), Scope,
      ParseErrors
          ? ", " + plural(ParseErrors, "compiler error", "compiler errors")
          : std::string());
  return Status;
}

} // namespace tenure::analyzer
