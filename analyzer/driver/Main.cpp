//===- Main.cpp - tenure-analyze, the CI gate -----------------------------===//
//
// Runs the tenure checks over a compile database or files, one worker process
// per translation unit (-j of them at a time), merges what the workers found,
// answers the whole-program questions on the merged facts, and writes text,
// JSON or SARIF. The per-TU step is this same binary with --emit-facts, so a
// build system can run it as its own action and merge with --merge-facts.
//
// Exit codes: 0 nothing fails the gate, 1 findings that fail it (--fail-on),
// 2 usage, configuration, parse or baseline error (or a worker that failed).
//
//===----------------------------------------------------------------------===//

#include "analyzer/driver/FactsCache.h"
#include "analyzer/driver/NoLint.h"
#include "analyzer/io/Baseline.h"
#include "analyzer/io/Evidence.h"
#include "analyzer/io/Report.h"
#include "analyzer/model/CheckRegistry.h"
#include "analyzer/model/EvidenceMatch.h"
#include "analyzer/model/Facts.h"
#include "analyzer/model/Version.h"
#include "checks/TenureCheck.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang-tidy/GlobList.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <mutex>

using namespace clang;
using namespace clang::tidy;
using namespace tenure::analyzer;
namespace cl = llvm::cl;

namespace {

constexpr int ExitClean = 0;
constexpr int ExitFindings = 1;
constexpr int ExitError = 2;
constexpr llvm::StringLiteral DefaultChecks = "-*,tenure-*";

cl::OptionCategory Category("tenure-analyze options");

cl::opt<std::string> BuildPath(
    "p", cl::desc("Build directory with compile_commands.json"),
    cl::value_desc("dir"), cl::cat(Category));
cl::list<std::string> Sources(cl::Positional,
                              cl::desc("[<source>...] [-- <compiler flags>]"),
                              cl::cat(Category));
cl::opt<std::string> Checks(
    "checks",
    cl::desc("Comma-separated globs of checks, added to the configuration's "
             "(default: -*,tenure-*)"),
    cl::cat(Category));
cl::opt<std::string> Config(
    "config", cl::desc("Configuration in .clang-tidy format (YAML/JSON)"),
    cl::cat(Category));
cl::opt<std::string> ConfigFile(
    "config-file", cl::desc("Read the configuration from this file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<unsigned> Jobs("j",
                       cl::desc("Translation units analysed in parallel "
                                "(default: all cores)"),
                       cl::init(0), cl::cat(Category));
enum class Format { Text, Sarif, Json };
cl::opt<Format> OutputFormat(
    "format", cl::desc("Report format"),
    cl::values(clEnumValN(Format::Text, "text", "clang-style diagnostics"),
               clEnumValN(Format::Sarif, "sarif", "SARIF 2.1.0"),
               clEnumValN(Format::Json, "json", "tenure's JSON")),
    cl::init(Format::Text), cl::cat(Category));
cl::opt<std::string> Output("output",
                            cl::desc("Write the report here (default: stdout)"),
                            cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> ApplyFixes("fix", cl::desc("Apply the suggested fix-its"),
                         cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the enabled checks and exit"),
                         cl::cat(Category));
cl::opt<std::string> EmitFacts(
    "emit-facts",
    cl::desc("Per-TU step: analyse the one source given and write its facts "
             "and findings to this file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Keep each translation unit's result in this directory and reuse "
             "it while the unit, every file it includes, its compile command "
             "and the configuration are unchanged (default: "
             "$TENURE_CACHE_DIR, else no cache)"),
    cl::value_desc("dir"), cl::cat(Category));
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
cl::opt<std::string> BaselineFile(
    "baseline",
    cl::desc("Report only findings not recorded in this baseline file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> WriteBaselineFile(
    "write-baseline",
    cl::desc("Record this run's findings in this file and exit 0; with "
             "--baseline, keep only the recorded findings still present"),
    cl::value_desc("file"), cl::cat(Category));
enum class FailOn { Warning, Confirmed };
cl::opt<FailOn> FailOnLevel(
    "fail-on", cl::desc("Which reported findings make the exit code 1"),
    cl::values(clEnumValN(FailOn::Warning, "warning", "every finding"),
               clEnumValN(FailOn::Confirmed, "confirmed",
                          "findings confirmed at runtime, and runtime-only "
                          "ones")),
    cl::init(FailOn::Warning), cl::cat(Category));

[[noreturn]] void fatal(const llvm::Twine &Message) {
  llvm::errs() << "tenure-analyze: error: " << Message << '\n';
  std::exit(ExitError);
}

void error(const llvm::Twine &Message) {
  llvm::errs() << "tenure-analyze: error: " << Message << '\n';
}

//===-- Configuration -----------------------------------------------------===//

/// parseConfiguration prints YAML's own multi-line diagnostic; keep its first
/// line as the message instead, for a one-line error.
struct ParsedConfig {
  std::optional<ClangTidyOptions> Options;
  std::string Error;
  explicit operator bool() const { return Options.has_value(); }
  ClangTidyOptions &operator*() { return *Options; }
  std::string takeError() { return Error; }
};

ParsedConfig parseConfigurationQuietly(llvm::StringRef Text,
                                       llvm::StringRef Origin) {
  ParsedConfig Result;
  std::string Diagnostic;
  auto Parsed = parseConfigurationWithDiags(
      llvm::MemoryBufferRef(Text, Origin),
      [&](const llvm::SMDiagnostic &D) {
        if (Diagnostic.empty())
          Diagnostic = llvm::formatv("line {0}: {1}", D.getLineNo(),
                                     D.getMessage())
                           .str();
      });
  if (Parsed) {
    Result.Options = std::move(*Parsed);
    return Result;
  }
  Result.Error = Diagnostic.empty() ? Parsed.getError().message() : Diagnostic;
  return Result;
}

std::unique_ptr<ClangTidyOptionsProvider> makeOptionsProvider() {
  ClangTidyGlobalOptions Global;
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = DefaultChecks.str();
  // A CI gate reports what is in the project's headers too (where most
  // trace() bodies live), as the merged-facts checks always do; system
  // headers stay out. A HeaderFilterRegex in the configuration still wins.
  Defaults.HeaderFilterRegex = ".*";
  ClangTidyOptions Overrides;
  if (!Checks.empty())
    Overrides.Checks = Checks;

  std::string ConfigText = Config;
  std::string ConfigOrigin = "--config";
  if (!ConfigFile.empty()) {
    if (!Config.empty())
      fatal("--config and --config-file cannot be used together");
    auto Text = llvm::MemoryBuffer::getFile(ConfigFile);
    if (!Text)
      fatal(ConfigFile + ": cannot read: " + Text.getError().message());
    ConfigText = (*Text)->getBuffer().str();
    ConfigOrigin = ConfigFile;
  }
  if (!ConfigText.empty() || !ConfigFile.empty()) {
    auto Parsed = parseConfigurationQuietly(ConfigText, ConfigOrigin);
    if (!Parsed)
      fatal(ConfigOrigin + ": malformed configuration: " + Parsed.takeError());
    return std::make_unique<ConfigOptionsProvider>(
        std::move(Global), std::move(Defaults), std::move(*Parsed),
        std::move(Overrides));
  }
  return std::make_unique<FileOptionsProvider>(
      std::move(Global), std::move(Defaults), std::move(Overrides));
}

// FileOptionsProvider only logs a .clang-tidy it cannot parse and goes on
// without it; a CI gate must not silently run another configuration.
void checkConfigFiles(llvm::ArrayRef<std::string> Files) {
  if (!Config.empty() || !ConfigFile.empty())
    return;
  llvm::StringSet<> Seen;
  for (const std::string &File : Files) {
    llvm::SmallString<256> Dir(File);
    llvm::sys::fs::make_absolute(Dir);
    for (llvm::StringRef D = llvm::sys::path::parent_path(Dir); !D.empty();
         D = llvm::sys::path::parent_path(D)) {
      if (!Seen.insert(D).second)
        break;
      llvm::SmallString<256> Candidate(D);
      llvm::sys::path::append(Candidate, ".clang-tidy");
      auto Text = llvm::MemoryBuffer::getFile(Candidate);
      if (!Text)
        continue;
      auto Parsed = parseConfigurationQuietly((*Text)->getBuffer(), Candidate);
      if (!Parsed)
        fatal(Candidate + ": malformed configuration: " + Parsed.takeError());
    }
  }
}

// A literal check name that no registered check has is a typo that would
// silently turn the gate off.
void checkCheckNames(llvm::StringRef Globs) {
  NamesAndOptions Known = getAllChecksAndOptions();
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Globs.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Part : Parts) {
    Part = Part.trim();
    Part.consume_front("-");
    Part = Part.trim();
    if (Part.empty() || Part.contains('*') ||
        Part.starts_with("clang-diagnostic-") || Known.Names.contains(Part))
      continue;
    std::vector<std::string> Names;
    for (const auto &Name : Known.Names)
      if (Name.getKey().starts_with("tenure-"))
        Names.push_back(Name.getKey().str());
    llvm::sort(Names);
    fatal("unknown check '" + Part + "' (tenure's checks: " +
          llvm::join(Names, ", ") + ")");
  }
}

bool checkEnabled(ClangTidyOptionsProvider &Provider, llvm::StringRef File,
                  llvm::StringRef Check) {
  ClangTidyOptions Options = Provider.getOptions(File);
  return GlobList(Options.Checks.value_or("")).contains(Check);
}

//===-- Compile commands --------------------------------------------------===//

std::unique_ptr<tooling::CompilationDatabase>
loadCompilations(llvm::ArrayRef<std::string> FixedFlags, bool HaveFixedFlags) {
  std::unique_ptr<tooling::CompilationDatabase> DB;
  std::string Message;
  if (HaveFixedFlags) {
    DB = std::make_unique<tooling::FixedCompilationDatabase>(".", FixedFlags);
  } else if (!BuildPath.empty()) {
    llvm::SmallString<256> File(BuildPath.getValue());
    llvm::sys::path::append(File, "compile_commands.json");
    if (!llvm::sys::fs::exists(File))
      fatal(BuildPath + ": cannot load the compile database: no "
                        "compile_commands.json (configure with "
                        "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
    DB = tooling::JSONCompilationDatabase::loadFromFile(
        File, Message, tooling::JSONCommandLineSyntax::AutoDetect);
    if (!DB) {
      std::replace(Message.begin(), Message.end(), '\n', ' ');
      fatal(File + ": cannot load the compile database: " + Message);
    }
    DB = tooling::inferMissingCompileCommands(std::move(DB));
  } else if (!Sources.empty()) {
    DB = tooling::CompilationDatabase::autoDetectFromSource(Sources.front(),
                                                            Message);
    if (!DB)
      fatal("no compile database found for " + Sources.front() +
            ": pass -p <build dir>, or compiler flags after --");
  } else {
    fatal("nothing to analyse: pass -p <build dir> or source files "
          "(see --help)");
  }
  // A LibTooling tool finds Clang's own headers (<stddef.h>...) relative to
  // its executable, which is not installed where clang is: pin them.
  auto Adjusted =
      std::make_unique<tooling::ArgumentsAdjustingCompilations>(std::move(DB));
  Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      "-resource-dir=" TENURE_CLANG_RESOURCE_DIR,
      tooling::ArgumentInsertPosition::BEGIN));
  return Adjusted;
}

//===-- The per-TU step ---------------------------------------------------===//

class SourceCache {
public:
  llvm::StringRef text(llvm::StringRef File) {
    auto [It, Inserted] = Buffers.try_emplace(File);
    if (Inserted) {
      auto Buffer = llvm::MemoryBuffer::getFile(File);
      if (Buffer)
        It->second = std::move(*Buffer);
    }
    return It->second ? It->second->getBuffer() : llvm::StringRef();
  }

  Location location(llvm::StringRef File, unsigned Offset) {
    llvm::StringRef Text = text(File);
    Location L{File.str(), 1, 1};
    if (Offset > Text.size())
      return L;
    llvm::StringRef Before = Text.take_front(Offset);
    L.Line = 1 + Before.count('\n');
    size_t LineStart = Before.rfind('\n');
    L.Column = Offset - (LineStart == llvm::StringRef::npos ? 0 : LineStart + 1) + 1;
    return L;
  }

  /// The line's text with runs of blanks squeezed: a key that survives
  /// edits elsewhere in the file.
  std::string normalisedLine(const Location &L) {
    llvm::SmallVector<llvm::StringRef, 0> Lines;
    text(L.File).split(Lines, '\n');
    if (L.Line == 0 || L.Line > Lines.size())
      return "";
    llvm::SmallVector<llvm::StringRef, 8> Words;
    Lines[L.Line - 1].split(Words, ' ', -1, /*KeepEmpty=*/false);
    std::string Out;
    for (llvm::StringRef W : Words) {
      W = W.trim();
      if (W.empty())
        continue;
      if (!Out.empty())
        Out += ' ';
      Out += W.str();
    }
    return Out;
  }

private:
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> Buffers;
};

/// The declarations the checks said their diagnostics are in, by where
/// clang-tidy placed each diagnostic.
using ContextMap = decltype(tenure::checks::FactsRecorder::Contexts);

Finding toFinding(const ClangTidyError &E, SourceCache &Sources,
                  const ContextMap &Contexts) {
  Finding F;
  F.Check = E.DiagnosticName;
  F.Severity = E.DiagLevel == ClangTidyError::Error ? Level::Error
                                                     : Level::Warning;
  F.Message = E.Message.Message;
  if (!E.Message.FilePath.empty())
    F.Loc = Sources.location(E.Message.FilePath, E.Message.FileOffset);
  for (const tooling::DiagnosticMessage &N : E.Notes) {
    Note Out;
    Out.Message = N.Message;
    if (!N.FilePath.empty())
      Out.Loc = Sources.location(N.FilePath, N.FileOffset);
    F.Notes.push_back(std::move(Out));
  }
  for (const auto &Entry : E.Message.Fix)
    for (const tooling::Replacement &R : Entry.getValue())
      F.Fix.push_back({R.getFilePath().str(), R.getOffset(), R.getLength(),
                       R.getReplacementText().str()});
  F.Key = Sources.normalisedLine(F.Loc);
  auto Context = Contexts.find({E.Message.FilePath, E.Message.FileOffset});
  if (Context != Contexts.end())
    F.Context = Context->second;
  return F;
}

/// Analyses one TU in this process. Returns the exit code of the step.
int emitFacts(const tooling::CompilationDatabase &Compilations,
              const std::string &File, llvm::StringRef OutputPath) {
  ClangTidyContext Context(makeOptionsProvider());
  tenure::checks::FactsRecorder Recorded(Context);
  auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
      llvm::vfs::getRealFileSystem());
  std::vector<ClangTidyError> Errors =
      runClangTidy(Context, Compilations, {File}, FS, /*ApplyAnyFix=*/false);

  SourceCache Cache;
  llvm::json::Array Findings;
  int ParseErrors = 0;
  for (const ClangTidyError &E : Errors) {
    if (E.DiagLevel == ClangTidyError::Error)
      ++ParseErrors;
    Findings.push_back(toJSON(toFinding(E, Cache, Recorded.Contexts)));
  }
  llvm::json::Array Inputs;
  for (const auto &[Path, Hash] : Recorded.Inputs)
    Inputs.push_back(llvm::json::Object{{"file", Path}, {"hash", Hash}});
  llvm::json::Object Result{{"version", FactsVersion},
                            {"file", File},
                            {"inputs", std::move(Inputs)},
                            {"facts", toJSON(mergeFacts(std::move(Recorded.Facts)))},
                            {"findings", std::move(Findings)},
                            {"parse_errors", ParseErrors}};
  if (llvm::Error Err = llvm::writeToOutput(OutputPath, [&](llvm::raw_ostream &OS) {
        OS << llvm::json::Value(std::move(Result));
        return llvm::Error::success();
      }))
    fatal(OutputPath + ": cannot write: " + llvm::toString(std::move(Err)));
  return ParseErrors ? ExitError : ExitClean;
}

//===-- Merging -----------------------------------------------------------===//

struct TUResult {
  std::string File;
  Facts TUFacts;
  std::vector<Finding> Findings;
  int ParseErrors = 0;
};

llvm::Expected<llvm::json::Value> readTUResultFile(llvm::StringRef Path) {
  auto Text = llvm::MemoryBuffer::getFile(Path);
  if (!Text)
    return llvm::createStringError(Path + ": cannot read: " +
                                   Text.getError().message());
  llvm::Expected<llvm::json::Value> V = llvm::json::parse((*Text)->getBuffer());
  if (!V)
    return llvm::createStringError(Path + ": malformed facts file: " +
                                   llvm::toString(V.takeError()));
  return V;
}

/// \p Path names the result in errors.
llvm::Expected<TUResult> tuResultFromJSON(const llvm::json::Value &V,
                                          llvm::StringRef Path) {
  const llvm::json::Object *O = V.getAsObject();
  const llvm::json::Value *FactsValue = O ? O->get("facts") : nullptr;
  const llvm::json::Array *Findings = O ? O->getArray("findings") : nullptr;
  std::optional<llvm::StringRef> File = O ? O->getString("file") : std::nullopt;
  if (!FactsValue || !Findings || !File)
    return llvm::createStringError(
        Path + ": not a tenure-analyze --emit-facts file");
  TUResult R;
  R.File = File->str();
  R.ParseErrors = O->getInteger("parse_errors").value_or(0);
  llvm::Expected<Facts> F = factsFromJSON(*FactsValue, Path);
  if (!F)
    return F.takeError();
  R.TUFacts = std::move(*F);
  for (const llvm::json::Value &FV : *Findings) {
    llvm::Expected<Finding> Item = findingFromJSON(FV, Path);
    if (!Item)
      return Item.takeError();
    R.Findings.push_back(std::move(*Item));
  }
  return R;
}

llvm::Expected<TUResult> readTUResult(llvm::StringRef Path) {
  llvm::Expected<llvm::json::Value> V = readTUResultFile(Path);
  if (!V)
    return V.takeError();
  return tuResultFromJSON(*V, Path);
}

/// Whether a finding the driver makes is reported: the check is enabled for
/// the file and no NOLINT comment suppresses it.
bool reportable(ClangTidyOptionsProvider &Provider, SourceCache &Cache,
                llvm::StringRef Check, const Location &Loc) {
  return checkEnabled(Provider, Loc.File, Check) &&
         !isSuppressedByNoLint(Cache.text(Loc.File), Loc.Line, Check);
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

/// Evidence read before the analysis starts, so a bad file costs no wait.
std::optional<Evidence> LoadedEvidence;

/// Marks what the evidence confirms, adds the runtime-only cycles and says
/// on stderr what could not be matched. A suppressed finding still explains
/// the cycles it predicted: they must not come back as runtime-only.
void applyEvidence(std::vector<Finding> &Findings,
                   std::vector<Finding> Suppressed, const Facts &Merged,
                   ClangTidyOptionsProvider &Provider, SourceCache &Cache) {
  size_t Reported = Findings.size();
  llvm::append_range(Findings, std::move(Suppressed));
  MatchSummary Matched = matchEvidence(
      Findings, *LoadedEvidence, Merged,
      [&](llvm::StringRef File) { return Cache.text(File); });
  Findings.resize(Reported);
  for (Finding &R : Matched.RuntimeOnly)
    if (reportable(Provider, Cache, R.Check, R.Loc))
      Findings.push_back(std::move(R));
  if (!Matched.UnknownCycles.empty())
    llvm::errs() << llvm::formatv(
        "tenure-analyze: note: {0}: {1} leaked cycle{2} through types the "
        "analysed code does not declare, not reported (first: {3})\n",
        EvidenceFile, Matched.UnknownCycles.size(),
        Matched.UnknownCycles.size() == 1 ? "" : "s",
        Matched.UnknownCycles.front());
  if (!LoadedEvidence->empty() && Matched.RecordsUsed == 0)
    llvm::errs() << "tenure-analyze: warning: " << EvidenceFile
                 << ": nothing in the evidence matches the analysed code (is "
                    "it from another project or an old build?); no finding "
                    "is confirmed\n";
}

/// Where a finding stands when evidence was given: what the runtime proved
/// first, cycles before caches before copies, the most often seen first.
void orderByEvidence(std::vector<Finding> &Findings) {
  // EvidenceKind lists cycles, then survivors (caches), then copies.
  auto Rank = [](const Finding &F) {
    const CheckDescriptor *Check = findCheck(F.Check);
    return Check ? static_cast<int>(Check->Evidence) : 0;
  };
  auto Key = [&](const Finding &F) {
    bool Seen = F.Confirmed.has_value();
    return std::make_tuple(!Seen, Seen ? Rank(F) : 0,
                           Seen ? ~F.Confirmed->Count : 0);
  };
  llvm::stable_sort(Findings, [&](const Finding &A, const Finding &B) {
    return Key(A) < Key(B);
  });
}

/// Applies non-overlapping fix-its, each file rewritten whole or not at all.
/// A finding's fix is taken whole or not at all (a signature changed in the
/// header but not in the .cpp would not compile): one that overlaps a fix
/// already taken, other than by the same edit, is left out and said so.
int applyFixes(const std::vector<Finding> &Findings) {
  std::map<std::string, std::vector<Replacement>> ByFile;
  // Two edits conflict when one changes text the other touches; insertions
  // at the same place do not (both are kept, in order).
  auto Conflict = [](const Replacement &A, const Replacement &B) {
    if (A == B || (A.Length == 0 && B.Length == 0))
      return false;
    if (A.Length == 0)
      return B.Offset < A.Offset && A.Offset < B.Offset + B.Length;
    if (B.Length == 0)
      return A.Offset < B.Offset && B.Offset < A.Offset + A.Length;
    return A.Offset < B.Offset + B.Length && B.Offset < A.Offset + A.Length;
  };
  auto Overlaps = [&](const Replacement &R) {
    return llvm::any_of(ByFile[R.File], [&](const Replacement &Taken) {
      return Conflict(R, Taken);
    });
  };
  for (const Finding &F : Findings) {
    if (llvm::any_of(F.Fix, Overlaps)) {
      llvm::errs() << "tenure-analyze: note: " << F.Loc.File << ':'
                   << F.Loc.Line << ": fix not applied, it overlaps another\n";
      continue;
    }
    for (const Replacement &R : F.Fix)
      ByFile[R.File].push_back(R);
  }
  int Status = ExitClean;
  for (auto &[File, Replacements] : ByFile) {
    llvm::stable_sort(Replacements, [](const Replacement &A, const Replacement &B) {
      return std::tie(A.Offset, A.Length) < std::tie(B.Offset, B.Length);
    });
    Replacements.erase(std::unique(Replacements.begin(), Replacements.end()),
                       Replacements.end());
    auto Text = llvm::MemoryBuffer::getFile(File);
    if (!Text) {
      error(File + ": cannot read to apply fixes");
      Status = ExitError;
      continue;
    }
    llvm::StringRef Source = (*Text)->getBuffer();
    std::string Result;
    unsigned Done = 0;
    for (const Replacement &R : Replacements) {
      if (R.Offset < Done || R.Offset + R.Length > Source.size())
        continue; // An insertion at the end of a replaced range.
      Result += Source.slice(Done, R.Offset).str();
      Result += R.Text;
      Done = R.Offset + R.Length;
    }
    Result += Source.substr(Done).str();
    if (llvm::Error Err = llvm::writeToOutput(File, [&](llvm::raw_ostream &OS) {
          OS << Result;
          return llvm::Error::success();
        })) {
      error(File + ": cannot write fixes: " + llvm::toString(std::move(Err)));
      Status = ExitError;
    }
  }
  return Status;
}

//===-- The gate ----------------------------------------------------------===//

std::string currentDirectory() {
  llvm::SmallString<256> Dir;
  if (std::error_code EC = llvm::sys::fs::current_path(Dir))
    fatal("cannot read the current directory: " + EC.message());
  return std::string(Dir);
}

/// Read before any analysis: a bad baseline should not cost a whole run.
std::optional<Baseline> loadBaseline() {
  if (BaselineFile.empty())
    return std::nullopt;
  auto Text = llvm::MemoryBuffer::getFile(BaselineFile);
  if (!Text)
    fatal(BaselineFile + ": cannot read the baseline: " +
          Text.getError().message());
  llvm::Expected<Baseline> B =
      parseBaseline((*Text)->getBuffer(), BaselineFile);
  if (!B)
    fatal(llvm::toString(B.takeError()));
  if (llvm::Error Stale = checkNotStale(*B, currentDirectory(), BaselineFile))
    fatal(llvm::toString(std::move(Stale)));
  return std::move(*B);
}

/// Compiler errors are not findings: they make the run exit 2 on their own.
bool isCompilerError(const Finding &F) {
  return F.Severity == Level::Error &&
         llvm::StringRef(F.Check).starts_with("clang-diagnostic-");
}

bool failsGate(const Finding &F) {
  if (isCompilerError(F))
    return false;
  return FailOnLevel == FailOn::Warning || F.Confirmed || F.RuntimeOnly;
}

void noteBaselineMatch(const BaselineMatch &Match) {
  size_t Accepted = Match.Baselined.size();
  llvm::errs() << llvm::formatv(
      "tenure-analyze: {0} finding{1} accepted by the baseline {2}", Accepted,
      Accepted == 1 ? "" : "s", BaselineFile);
  if (Match.Unmatched)
    llvm::errs() << llvm::formatv(
        "; {0} baseline entr{1} no longer match{2} (fixed or changed: "
        "rewrite it with --write-baseline to drop them)",
        Match.Unmatched, Match.Unmatched == 1 ? "y" : "ies",
        Match.Unmatched == 1 ? "es" : "");
  llvm::errs() << '\n';
}

void writeBaselineFile(llvm::ArrayRef<Finding> Findings, llvm::StringRef Root) {
  Baseline B = makeBaseline(Findings, Root);
  if (llvm::Error Err =
          llvm::writeToOutput(WriteBaselineFile, [&](llvm::raw_ostream &OS) {
            writeBaseline(OS, B);
            return llvm::Error::success();
          }))
    fatal(WriteBaselineFile + ": cannot write the baseline: " +
          llvm::toString(std::move(Err)));
  llvm::errs() << llvm::formatv("tenure-analyze: recorded {0} finding{1} in "
                                "{2}\n",
                                B.Entries.size(),
                                B.Entries.size() == 1 ? "" : "s",
                                WriteBaselineFile);
}

int report(std::vector<TUResult> Results, bool WorkerFailed,
           const std::optional<Baseline> &Accepted) {
  auto Provider = makeOptionsProvider();
  SourceCache Cache;
  std::vector<Facts> AllFacts;
  std::vector<Finding> Findings;
  int ParseErrors = 0;
  for (TUResult &R : Results) {
    AllFacts.push_back(std::move(R.TUFacts));
    llvm::append_range(Findings, R.Findings);
    ParseErrors += R.ParseErrors;
  }
  Facts Merged = mergeFacts(std::move(AllFacts));
  std::vector<Finding> Suppressed;
  addMergedFindings(Merged, *Provider, Cache, Findings, Suppressed);
  // A header's finding seen from several TUs is one finding (with the notes
  // of all) before the runtime's counts are added to it.
  sortAndDeduplicate(Findings);
  if (LoadedEvidence) {
    applyEvidence(Findings, std::move(Suppressed), Merged, *Provider, Cache);
    sortAndDeduplicate(Findings);
    orderByEvidence(Findings);
  }

  std::string Root = currentDirectory();
  // What the baseline accepted is not reported; with --write-baseline too,
  // it is what the rewritten baseline keeps (fixed findings drop out, new
  // ones are not accepted behind the user's back). The baseline always
  // sees every finding: --only-confirmed narrows the report alone.
  std::optional<BaselineMatch> Match;
  if (Accepted) {
    Match = matchBaseline(std::move(Findings), *Accepted, Root);
    Findings = std::move(Match->New);
  }
  std::vector<Finding> Recorded;
  if (!WriteBaselineFile.empty())
    Recorded = Match ? Match->Baselined : Findings;
  if (OnlyConfirmed)
    llvm::erase_if(Findings, [](const Finding &F) {
      return !F.Confirmed && F.Severity == Level::Warning;
    });
  std::string Path = Output.empty() ? "-" : Output.getValue();
  if (llvm::Error Err = llvm::writeToOutput(Path, [&](llvm::raw_ostream &OS) {
        switch (OutputFormat) {
        case Format::Text:
          writeText(OS, Findings, Root);
          break;
        case Format::Json:
          writeJSON(OS, Findings, Root);
          break;
        case Format::Sarif:
          writeSARIF(OS, Findings, Root);
          break;
        }
        return llvm::Error::success();
      }))
    fatal(Path + ": cannot write the report: " + llvm::toString(std::move(Err)));

  if (!CycleGraph.empty())
    if (llvm::Error Err =
            llvm::writeToOutput(CycleGraph, [&](llvm::raw_ostream &OS) {
              writeCycleGraph(OS, Findings);
              return llvm::Error::success();
            }))
      fatal(CycleGraph + ": cannot write the cycle graph: " +
            llvm::toString(std::move(Err)));

  bool Complete = !ParseErrors && !WorkerFailed;
  if (Match)
    noteBaselineMatch(*Match);
  if (!WriteBaselineFile.empty()) {
    // A run that did not see every TU would record a baseline without their
    // findings, and the next run would report them all as new.
    if (Complete)
      writeBaselineFile(Recorded, Root);
    else
      error("not writing the baseline " + WriteBaselineFile +
            ": the run had compiler errors or failed translation units");
  }

  size_t Warnings = llvm::count_if(
      Findings, [](const Finding &F) { return F.Severity == Level::Warning; });
  std::string Runtime;
  if (LoadedEvidence) {
    size_t RuntimeOnly = llvm::count_if(
        Findings, [](const Finding &F) { return F.RuntimeOnly; });
    size_t Confirmed = llvm::count_if(Findings, [](const Finding &F) {
      return F.Confirmed && !F.RuntimeOnly;
    });
    Runtime = llvm::formatv(" ({0} confirmed at runtime, {1} runtime-only)",
                            Confirmed, RuntimeOnly);
  }
  llvm::errs() << llvm::formatv(
      "tenure-analyze: {0} finding{1}{5} in {2} translation unit{3}{4}\n",
      Warnings, Warnings == 1 ? "" : "s", Results.size(),
      Results.size() == 1 ? "" : "s",
      ParseErrors ? llvm::formatv(", {0} compiler error{1}", ParseErrors,
                                  ParseErrors == 1 ? "" : "s")
                            .str()
                  : std::string(),
      Runtime);
  int Status = !Complete                          ? ExitError
               : llvm::any_of(Findings, failsGate) ? ExitFindings
                                                   : ExitClean;
  // Recording a baseline accepts what it records: nothing is left to fail.
  // With --baseline the new findings were not recorded, and still fail.
  if (!WriteBaselineFile.empty() && !Accepted && Complete)
    Status = ExitClean;
  // As clang-tidy does: code that does not compile is not rewritten.
  if (ApplyFixes && ParseErrors)
    llvm::errs() << "tenure-analyze: not applying fixes: the code has "
                    "compiler errors\n";
  else if (ApplyFixes && applyFixes(Findings) != ExitClean)
    Status = ExitError;
  return Status;
}

//===-- The whole run -----------------------------------------------------===//

/// Runs one worker per source, Jobs at a time, and reads their results.
/// What a TU's result depends on besides the content of the files it reads
/// (which the cache entry records): tenure's version, the compile command as
/// the worker runs it, and the effective configuration.
std::string cacheKey(const tooling::CompilationDatabase &Compilations,
                     const std::string &File,
                     ClangTidyOptionsProvider &Provider) {
  std::vector<std::string> Parts = {Version, std::to_string(FactsVersion),
                                    File};
  for (const tooling::CompileCommand &C :
       Compilations.getCompileCommands(File)) {
    Parts.push_back(C.Directory);
    Parts.push_back(C.Filename);
    llvm::append_range(Parts, C.CommandLine);
  }
  Parts.push_back(configurationAsText(Provider.getOptions(File)));
  return FactsCache::key(Parts);
}

std::vector<TUResult> runWorkers(llvm::ArrayRef<std::string> Files,
                                 const tooling::CompilationDatabase &Compilations,
                                 FactsCache *Cache,
                                 llvm::ArrayRef<std::string> FixedFlags,
                                 bool HaveFixedFlags, const char *Argv0,
                                 bool &Failed) {
  std::string Self = llvm::sys::fs::getMainExecutable(
      Argv0, reinterpret_cast<void *>(&runWorkers));
  llvm::SmallString<128> TempDir;
  if (std::error_code EC =
          llvm::sys::fs::createUniqueDirectory("tenure-analyze", TempDir))
    fatal("cannot create a temporary directory: " + EC.message());

  std::vector<std::string> Keys;
  if (Cache) {
    auto Provider = makeOptionsProvider();
    for (const std::string &File : Files)
      Keys.push_back(cacheKey(Compilations, File, *Provider));
  }

  std::vector<std::optional<TUResult>> Results(Files.size());
  std::mutex Lock;
  unsigned Threads = Jobs ? Jobs.getValue() : llvm::heavyweight_hardware_concurrency().compute_thread_count();
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Threads));
  for (size_t I = 0; I < Files.size(); ++I) {
    Pool.async([&, I] {
      if (Cache) {
        if (std::optional<llvm::json::Value> Hit = Cache->lookup(Keys[I])) {
          llvm::Expected<TUResult> R = tuResultFromJSON(*Hit, Cache->directory());
          if (R) {
            std::lock_guard<std::mutex> Guard(Lock);
            Results[I] = std::move(*R);
            return;
          }
          llvm::consumeError(R.takeError());
          Cache->noteCorrupt();
        }
      }
      std::string ResultPath = (TempDir + "/" + llvm::Twine(I) + ".json").str();
      std::vector<std::string> Args = {Self, "--emit-facts=" + ResultPath};
      if (!Checks.empty())
        Args.push_back("--checks=" + Checks);
      if (!Config.empty())
        Args.push_back("--config=" + Config);
      if (!ConfigFile.empty())
        Args.push_back("--config-file=" + ConfigFile);
      if (!BuildPath.empty() && !HaveFixedFlags)
        Args.push_back("-p=" + BuildPath);
      Args.push_back(Files[I]);
      if (HaveFixedFlags) {
        Args.push_back("--");
        llvm::append_range(Args, FixedFlags);
      }
      llvm::SmallVector<llvm::StringRef, 16> ArgRefs(Args.begin(), Args.end());
      // The worker's findings come back in its result file; its stderr is
      // kept for what is not a finding (a crash report), minus the
      // compiler's "N warnings generated." tallies.
      std::string ErrPath = (TempDir + "/" + llvm::Twine(I) + ".err").str();
      std::optional<llvm::StringRef> Redirects[] = {std::nullopt,
                                                    llvm::StringRef(""),
                                                    llvm::StringRef(ErrPath)};
      std::string Message;
      int Code = llvm::sys::ExecuteAndWait(Self, ArgRefs, std::nullopt,
                                           Redirects, 0, 0, &Message);
      llvm::Expected<llvm::json::Value> Value = readTUResultFile(ResultPath);
      llvm::Expected<TUResult> R =
          Value ? tuResultFromJSON(*Value, ResultPath) : Value.takeError();
      llvm::sys::fs::remove(ResultPath);
      std::string Stderr;
      if (auto Buffer = llvm::MemoryBuffer::getFile(ErrPath))
        Stderr = (*Buffer)->getBuffer().str();
      llvm::sys::fs::remove(ErrPath);
      std::lock_guard<std::mutex> Guard(Lock);
      llvm::SmallVector<llvm::StringRef, 8> Lines;
      llvm::StringRef(Stderr).split(Lines, '\n', -1, /*KeepEmpty=*/false);
      for (llvm::StringRef Line : Lines)
        if (!Line.ends_with(" generated."))
          llvm::errs() << Line << '\n';
      if ((Code != ExitClean && Code != ExitError) || !R) {
        // A crashed worker explains its missing result; otherwise the
        // result file itself says what is wrong.
        std::string Reason =
            Code != ExitClean && Code != ExitError
                ? (Message.empty() ? llvm::formatv("exit code {0}", Code).str()
                                   : Message)
                : llvm::toString(R.takeError());
        if (!R)
          llvm::consumeError(R.takeError());
        error(Files[I] + ": analysis failed (" + Reason + ")");
        Failed = true;
        return;
      }
      // A result with compiler errors is not kept: a header it could not
      // find is no input the cache could see appear.
      if (Cache && R->ParseErrors == 0)
        Cache->store(Keys[I], *Value);
      Results[I] = std::move(*R);
    });
  }
  Pool.wait();
  llvm::sys::fs::remove(TempDir);
  std::vector<TUResult> Done;
  for (std::optional<TUResult> &R : Results)
    if (R)
      Done.push_back(std::move(*R));
  return Done;
}

} // namespace

int main(int argc, const char **argv) {
  llvm::InitLLVM Init(argc, argv);
  // Compiler flags after "--" belong to the sources, not to us.
  int OwnArgs = argc;
  std::vector<std::string> FixedFlags;
  bool HaveFixedFlags = false;
  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]) == "--") {
      OwnArgs = I;
      HaveFixedFlags = true;
      FixedFlags.assign(argv + I + 1, argv + argc);
      break;
    }
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "tenure-analyze " << Version << " (Clang " LLVM_VERSION_STRING ")\n";
  });
  if (!cl::ParseCommandLineOptions(
          OwnArgs, argv,
          "Finds reference-count retention bugs (tenure checks) in C++.\n\n"
          "  tenure-analyze -p build                  every file of a compile database\n"
          "  tenure-analyze a.cpp b.cpp -- -std=c++20  files with explicit flags\n\n"
          "  tenure-analyze -p build --baseline=tenure-baseline.json\n"
          "                                           only findings not in the baseline\n\n"
          "Exit codes: 0 nothing fails the gate, 1 findings that fail it "
          "(--fail-on),\n"
          "            2 usage/configuration/parse/baseline error.\n",
          &llvm::errs()))
    return ExitError;

  if (!Checks.empty())
    checkCheckNames(Checks);
  if (OnlyConfirmed && EvidenceFile.empty())
    fatal("--only-confirmed needs --evidence=<file>");
  if (!EmitFacts.empty())
    for (const cl::Option *Report :
         std::initializer_list<const cl::Option *>{
             &EvidenceFile, &OnlyConfirmed, &CycleGraph, &BaselineFile,
             &WriteBaselineFile, &Output, &ApplyFixes})
      if (Report->getNumOccurrences())
        fatal("--emit-facts writes one TU's facts; --" + Report->ArgStr +
              " belongs to the run that reports (--merge-facts)");
  if (ApplyFixes && !WriteBaselineFile.empty())
    fatal("--fix and --write-baseline cannot be used together: the baseline "
          "would record the findings the fixes remove");
  if (FailOnLevel == FailOn::Confirmed && EvidenceFile.empty() &&
      EmitFacts.empty())
    llvm::errs() << "tenure-analyze: warning: --fail-on=confirmed without "
                    "--evidence: no finding can be confirmed, so none fails "
                    "the gate\n";
  if (!EvidenceFile.empty() && EmitFacts.empty()) {
    llvm::Expected<Evidence> E = readEvidence(EvidenceFile);
    if (!E)
      fatal(llvm::toString(E.takeError()));
    LoadedEvidence = std::move(*E);
  }
  if (ListChecks) {
    auto Provider = makeOptionsProvider();
    ClangTidyOptions Options = Provider->getOptions(".");
    for (const std::string &Name : getCheckNames(Options, false))
      llvm::outs() << Name << '\n';
    return ExitClean;
  }

  std::optional<Baseline> Accepted = loadBaseline();
  if (MergeFacts) {
    if (Sources.empty())
      fatal("--merge-facts needs the files written by --emit-facts");
    std::vector<TUResult> Results;
    for (const std::string &Path : Sources) {
      llvm::Expected<TUResult> R = readTUResult(Path);
      if (!R)
        fatal(llvm::toString(R.takeError()));
      Results.push_back(std::move(*R));
    }
    return report(std::move(Results), /*WorkerFailed=*/false, Accepted);
  }

  std::unique_ptr<tooling::CompilationDatabase> Compilations =
      loadCompilations(FixedFlags, HaveFixedFlags);
  std::vector<std::string> Files(Sources.begin(), Sources.end());
  if (Files.empty())
    Files = Compilations->getAllFiles();
  if (Files.empty())
    fatal(BuildPath + ": the compile database lists no files");
  for (std::string &File : Files) {
    if (!llvm::sys::fs::exists(File))
      fatal(File + ": no such file");
    llvm::SmallString<256> Absolute(File);
    llvm::sys::fs::make_absolute(Absolute);
    File = std::string(Absolute);
  }
  checkConfigFiles(Files);
  {
    auto Provider = makeOptionsProvider();
    ClangTidyOptions Options = Provider->getOptions(Files.front());
    if (getCheckNames(Options, false).empty())
      fatal("no checks enabled (checks: '" + Options.Checks.value_or("") + "')");
  }

  if (!EmitFacts.empty()) {
    if (Files.size() != 1)
      fatal("--emit-facts analyses exactly one source file");
    return emitFacts(*Compilations, Files.front(), EmitFacts);
  }
  std::optional<FactsCache> Cache;
  std::string Dir = CacheDir;
  if (const char *FromEnvironment = std::getenv("TENURE_CACHE_DIR");
      FromEnvironment && !CacheDir.getNumOccurrences())
    Dir = FromEnvironment;
  if (!Dir.empty() || CacheDir.getNumOccurrences()) {
    llvm::Expected<FactsCache> Opened = FactsCache::open(Dir);
    if (!Opened)
      fatal(llvm::toString(Opened.takeError()));
    Cache.emplace(std::move(*Opened));
  }
  bool Failed = false;
  std::vector<TUResult> Results =
      runWorkers(Files, *Compilations, Cache ? &*Cache : nullptr, FixedFlags,
                 HaveFixedFlags, argv[0], Failed);
  if (Cache) {
    FactsCache::Stats S = Cache->stats();
    llvm::errs() << llvm::formatv(
        "tenure-analyze: cache {0}: {1} hit{2}, {3} miss{4}", Cache->directory(),
        S.Hits, S.Hits == 1 ? "" : "s", S.Misses + S.Corrupt,
        S.Misses + S.Corrupt == 1 ? "" : "es");
    if (S.Corrupt)
      llvm::errs() << llvm::formatv(" ({0} unreadable entr{1} recomputed)",
                                    S.Corrupt, S.Corrupt == 1 ? "y" : "ies");
    if (S.Unwritten)
      llvm::errs() << llvm::formatv(" ({0} result{1} could not be stored)",
                                    S.Unwritten, S.Unwritten == 1 ? "" : "s");
    llvm::errs() << '\n';
  }
  return report(std::move(Results), Failed, Accepted);
}
