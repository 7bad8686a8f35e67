//===- Worker.cpp - The per-TU step and the processes that run it ---------===//

#include "analyzer/driver/Worker.h"

#include "analyzer/driver/Configuration.h"
#include "analyzer/driver/Fixes.h"
#include "analyzer/driver/Output.h"
#include "analyzer/driver/Paths.h"
#include "analyzer/driver/SourceCache.h"
#include "analyzer/driver/Timings.h"
#include "analyzer/io/Report.h"
#include "analyzer/model/Version.h"
#include "checks/TenureCheck.h"
#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include <mutex>
#include <optional>

namespace tenure::analyzer {
using namespace clang::tidy;
namespace tooling = clang::tooling;

namespace {

/// The declarations the checks said their diagnostics are in, by where
/// clang-tidy placed each diagnostic.
using ContextMap = decltype(tenure::checks::FactsRecorder::Contexts);

/// A diagnostic as a Finding with canonical paths: clang-tidy names files
/// as the compile command spelled them, relative to its directory.
Finding toFinding(const ClangTidyError &E, llvm::StringRef MainFile,
                  SourceCache &Sources, const ContextMap &Contexts) {
  auto Canonical = [&](llvm::StringRef Path) {
    return canonicalPath(Path, E.BuildDirectory);
  };
  Finding F;
  F.Check = E.DiagnosticName;
  F.Severity =
      E.DiagLevel == ClangTidyError::Error ? Level::Error : Level::Warning;
  F.Message = E.Message.Message;
  if (!E.Message.FilePath.empty())
    F.Loc =
        Sources.location(Canonical(E.Message.FilePath), E.Message.FileOffset);
  else
    F.Loc = {MainFile.str(), 0, 0}; // An error about a flag: no line.
  for (const tooling::DiagnosticMessage &N : E.Notes) {
    Note Out;
    Out.Message = N.Message;
    if (!N.FilePath.empty())
      Out.Loc = Sources.location(Canonical(N.FilePath), N.FileOffset);
    F.Notes.push_back(std::move(Out));
  }
  for (const auto &Entry : E.Message.Fix)
    for (const tooling::Replacement &R : Entry.getValue())
      F.Fix.push_back({Canonical(R.getFilePath()), R.getOffset(), R.getLength(),
                       R.getReplacementText().str()});
  F.Key = Sources.normalisedLine(F.Loc);
  auto Context = Contexts.find({E.Message.FilePath, E.Message.FileOffset});
  if (Context != Contexts.end())
    F.Context = Context->second;
  return F;
}

/// --relative-paths: \p Text with the file it names renamed, when it is a
/// path or a key that ends in one ("name@/path", an internal-linkage
/// declaration's key). \p Names memoises the renames.
std::string renamed(llvm::StringRef Text, llvm::StringMap<std::string> &Names) {
  size_t Start = Text.starts_with("/") ? 0 : Text.find("@/");
  if (Start == llvm::StringRef::npos)
    return Text.str();
  if (Start)
    ++Start;
  llvm::StringRef File = Text.drop_front(Start);
  auto [It, New] = Names.try_emplace(File);
  if (New)
    It->second = relativeToCurrentDirectory(File);
  return (Text.take_front(Start) + It->second).str();
}

void renameFiles(llvm::json::Value &V, llvm::StringMap<std::string> &Names) {
  if (std::optional<llvm::StringRef> Text = V.getAsString()) {
    V = renamed(*Text, Names);
  } else if (llvm::json::Array *A = V.getAsArray()) {
    for (llvm::json::Value &Item : *A)
      renameFiles(Item, Names);
  } else if (llvm::json::Object *O = V.getAsObject()) {
    llvm::json::Object Renamed;
    for (auto &[Key, Item] : *O) {
      renameFiles(Item, Names);
      Renamed[renamed(Key, Names)] = std::move(Item);
    }
    *O = std::move(Renamed);
  }
}

} // namespace

int emitFacts(const Options &O,
              const tooling::CompilationDatabase &Compilations,
              const std::string &File) {
  auto Provider = makeOptionsProvider(O);
  if (!Provider) {
    llvm::errs() << "tenure-analyze: error: "
                 << llvm::toString(Provider.takeError()) << '\n';
    return ExitError;
  }
  ClangTidyContext Context(std::move(*Provider));
  tenure::checks::FactsRecorder Recorded(Context);
  auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
      llvm::vfs::getRealFileSystem());
  // --timings: clang-tidy's check profile (each check's matchers, callbacks
  // and end-of-TU work) is stored in a directory of our own and read back.
  llvm::SmallString<128> ProfileDir;
  if (O.Timings)
    if (std::error_code EC = llvm::sys::fs::createUniqueDirectory(
            "tenure-profile", ProfileDir)) {
      llvm::errs() << "tenure-analyze: error: cannot create a temporary "
                      "directory: "
                   << EC.message() << '\n';
      return ExitError;
    }
  llvm::TimeRecord Start = llvm::TimeRecord::getCurrentTime(/*Start=*/true);
  std::vector<ClangTidyError> Errors =
      runClangTidy(Context, Compilations, {File}, FS, /*ApplyAnyFix=*/false,
                   /*EnableCheckProfile=*/O.Timings, ProfileDir);
  Timings Times;
  if (O.Timings) {
    PhaseTime Analysis = PhaseTime::since(Start);
    llvm::Expected<Timings> Checks = readCheckProfiles(ProfileDir);
    llvm::sys::fs::remove(ProfileDir);
    if (!Checks) {
      llvm::errs() << "tenure-analyze: error: " << toString(Checks.takeError())
                   << '\n';
      return ExitError;
    }
    // The parse ends where the checks' AST pass starts; what the AST pass
    // spends outside every check is the matchers' walk and the teardown.
    PhaseTime Parse = Recorded.AnalysisStart
                          ? PhaseTime::between(Start, *Recorded.AnalysisStart)
                          : Analysis;
    Times.add("parse (setup, preprocess, parse, instantiate)", Parse);
    Times.add(*Checks);
    PhaseTime Rest = Analysis;
    Rest -= Parse;
    Rest -= Checks->total();
    Times.add("AST walk outside the checks, teardown", Rest);
  }
  ScopedPhase ResultPhase(O.Timings ? &Times : nullptr,
                          "TU result: findings placed, facts merged");

  SourceCache Cache;
  llvm::json::Array Findings;
  llvm::json::Object Read;
  auto NoteRead = [&](const std::string &Path) {
    if (!Path.empty() && !Read.get(Path))
      Read[Path] = contentHash(Cache.text(Path));
  };
  NoteRead(File);
  int ParseErrors = 0;
  std::vector<Finding> CompilerErrors;
  for (const ClangTidyError &E : Errors) {
    if (E.DiagLevel == ClangTidyError::Error)
      ++ParseErrors;
    Finding F = toFinding(E, File, Cache, Recorded.Contexts);
    NoteRead(F.Loc.File);
    for (const Replacement &R : F.Fix)
      NoteRead(R.File);
    Findings.push_back(toJSON(F));
    if (isCompilerError(F))
      CompilerErrors.push_back(std::move(F));
  }
  // A build action that fails must say why in the build's log: the
  // compiler's own stderr says only how many errors there were. On stdout,
  // as clang-tidy prints its diagnostics (the driver discards a worker's
  // stdout: its report lists them already).
  llvm::SmallString<256> WorkingDir;
  llvm::sys::fs::current_path(WorkingDir);
  writeText(llvm::outs(), CompilerErrors, WorkingDir);
  llvm::json::Array Inputs;
  for (const auto &[Path, Hash] : Recorded.Inputs)
    Inputs.push_back(llvm::json::Object{{"file", Path}, {"hash", Hash}});
  // Paths an #include passed over serve tenure-analyze's own cache; an
  // action in a sandbox is cached by its build system, by declared inputs.
  llvm::json::Array Shadowing;
  if (!O.RelativePaths)
    Shadowing = llvm::json::Array(Recorded.Shadowing);
  llvm::json::Value Result = llvm::json::Object{
      {"version", FactsVersion},
      {"file", File},
      {"inputs", std::move(Inputs)},
      {"shadowing", std::move(Shadowing)},
      {"facts", toJSON(mergeFacts(std::move(Recorded.Facts)))},
      {"findings", std::move(Findings)},
      {"parse_errors", ParseErrors},
      {"sources", std::move(Read)}};
  if (O.Timings) {
    ResultPhase.stop();
    Result.getAsObject()->try_emplace("timings", Times.toJSON());
  }
  // The files the unit read, by the names the result gives them.
  llvm::StringMap<std::string> Names;
  auto Named = [&](const std::string &Path) {
    return O.RelativePaths ? renamed(Path, Names) : Path;
  };
  if (O.RelativePaths)
    renameFiles(Result, Names);
  if (llvm::Error Err = writeOutput(
          O.EmitFacts, [&](llvm::raw_ostream &OS) { OS << Result; })) {
    llvm::errs() << "tenure-analyze: error: " << O.EmitFacts
                 << ": cannot write: " << llvm::toString(std::move(Err))
                 << '\n';
    return ExitError;
  }
  if (!O.DepFile.empty())
    if (llvm::Error Err = writeOutput(O.DepFile, [&](llvm::raw_ostream &OS) {
          // Make's escapes, as compilers write them for -MD.
          auto Escaped = [](llvm::StringRef Path) {
            std::string Out;
            for (char C : Path) {
              if (C == ' ' || C == '#')
                Out += '\\';
              if (C == '$')
                Out += '$';
              Out += C;
            }
            return Out;
          };
          OS << Escaped(O.EmitFacts) << ':';
          for (const auto &Input : Recorded.Inputs)
            OS << " \\\n  " << Escaped(Named(Input.first));
          OS << '\n';
        })) {
      llvm::errs() << "tenure-analyze: error: " << O.DepFile
                   << ": cannot write: " << llvm::toString(std::move(Err))
                   << '\n';
      return ExitError;
    }
  return ParseErrors ? ExitError : ExitClean;
}

namespace {

llvm::Expected<llvm::json::Value> readTUResultFile(llvm::StringRef Path) {
  auto Text = llvm::MemoryBuffer::getFile(Path);
  if (!Text)
    return llvm::createStringError(
        Path + ": cannot read: " + Text.getError().message());
  llvm::Expected<llvm::json::Value> V = llvm::json::parse((*Text)->getBuffer());
  if (!V)
    return llvm::createStringError(
        Path + ": malformed facts file: " + llvm::toString(V.takeError()));
  return V;
}

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

} // namespace

llvm::Expected<TUResult> readTUResult(llvm::StringRef Path) {
  llvm::Expected<llvm::json::Value> V = readTUResultFile(Path);
  if (!V)
    return V.takeError();
  return tuResultFromJSON(*V, Path);
}

llvm::Expected<TUResult> tuResultFromJSON(const llvm::json::Value &V,
                                          llvm::StringRef Path) {
  const llvm::json::Object *O = V.getAsObject();
  const llvm::json::Value *FactsValue = O ? O->get("facts") : nullptr;
  const llvm::json::Array *Findings = O ? O->getArray("findings") : nullptr;
  std::optional<llvm::StringRef> File = O ? O->getString("file") : std::nullopt;
  if (!FactsValue || !Findings || !File)
    return llvm::createStringError(Path +
                                   ": not a tenure-analyze --emit-facts file");
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
  if (const llvm::json::Value *T = O->get("timings")) {
    llvm::Expected<Timings> Times = Timings::fromJSON(*T, Path);
    if (!Times)
      return Times.takeError();
    R.Times = std::move(*Times);
  }
  // Older results have no "sources": their fixes cannot be verified, and
  // --fix refuses them.
  if (const llvm::json::Object *Sources = O->getObject("sources"))
    for (const auto &[Name, Hash] : *Sources)
      if (std::optional<llvm::StringRef> H = Hash.getAsString())
        R.Sources[Name.str()] = H->str();
  return R;
}

llvm::Expected<WorkerRun>
runWorkers(const Options &O, llvm::ArrayRef<std::string> Files,
           const tooling::CompilationDatabase &Compilations,
           FactsCache *Cache) {
  std::string Self = llvm::sys::fs::getMainExecutable(
      O.Argv0.c_str(), reinterpret_cast<void *>(&runWorkers));
  llvm::SmallString<128> TempDir;
  if (std::error_code EC =
          llvm::sys::fs::createUniqueDirectory("tenure-analyze", TempDir))
    return llvm::createStringError(EC, "cannot create a temporary directory: " +
                                           EC.message());

  std::vector<std::string> Keys;
  if (Cache) {
    auto Provider = makeOptionsProvider(O);
    if (!Provider)
      return Provider.takeError();
    for (const std::string &File : Files)
      Keys.push_back(cacheKey(Compilations, File, **Provider));
  }

  std::vector<std::optional<TUResult>> Results(Files.size());
  WorkerRun Run;
  std::mutex Lock;
  // A long scan says where it is, on a terminal only (logs and tests keep
  // the report alone): "[12/340] src/a.cpp".
  size_t Finished = 0;
  bool ShowProgress = llvm::errs().is_displayed();
  auto Progress = [&](const std::string &File, llvm::StringRef How) {
    if (ShowProgress)
      llvm::errs() << llvm::formatv("[{0}/{1}] {2}{3}\n", ++Finished,
                                    Files.size(), File, How);
  };
  unsigned Threads =
      O.Jobs ? O.Jobs
             : llvm::heavyweight_hardware_concurrency().compute_thread_count();
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Threads));
  for (size_t I = 0; I < Files.size(); ++I) {
    Pool.async([&, I] {
      if (Cache) {
        if (std::optional<llvm::json::Value> Hit = Cache->lookup(Keys[I])) {
          llvm::Expected<TUResult> R =
              tuResultFromJSON(*Hit, Cache->directory());
          if (R) {
            std::lock_guard<std::mutex> Guard(Lock);
            // Times of the run that stored the entry are not this run's.
            R->Times = {};
            Results[I] = std::move(*R);
            Progress(Files[I], " (cached)");
            return;
          }
          llvm::consumeError(R.takeError());
          Cache->noteCorrupt();
        }
      }
      std::string ResultPath = (TempDir + "/" + llvm::Twine(I) + ".json").str();
      std::vector<std::string> Args = workerArguments(O, ResultPath, Files[I]);
      Args.insert(Args.begin(), Self);
      llvm::SmallVector<llvm::StringRef, 16> ArgRefs(Args.begin(), Args.end());
      // The worker's findings come back in its result file; its stderr is
      // kept for what is not a finding (a crash report), minus the
      // compiler's "N warnings generated." tallies.
      std::string ErrPath = (TempDir + "/" + llvm::Twine(I) + ".err").str();
      std::optional<llvm::StringRef> Redirects[] = {
          std::nullopt, llvm::StringRef(""), llvm::StringRef(ErrPath)};
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
      Progress(Files[I], "");
      llvm::SmallVector<llvm::StringRef, 8> Lines;
      llvm::StringRef(Stderr).split(Lines, '\n', -1, /*KeepEmpty=*/false);
      for (llvm::StringRef Line : Lines)
        if (!Line.ends_with(" generated."))
          llvm::errs() << Line << '\n';
      bool Crashed = Code != ExitClean && Code != ExitError;
      if (R && !Crashed) {
        // A result with compiler errors is not kept: a header it could not
        // find is no input the cache could see appear.
        if (Cache && R->ParseErrors == 0)
          Cache->store(Keys[I], *Value);
        Results[I] = std::move(*R);
        return;
      }
      // Why there is no result: how the worker ended, and what reading its
      // result file said.
      std::vector<std::string> Reasons;
      if (!Message.empty())
        Reasons.push_back(Message);
      else if (Crashed)
        Reasons.push_back(llvm::formatv("exit code {0}", Code));
      if (!R)
        Reasons.push_back(llvm::toString(R.takeError()));
      std::string Line =
          Files[I] + ": analysis failed (" + llvm::join(Reasons, "; ") + ")";
      llvm::errs() << "tenure-analyze: error: " << Line << '\n';
      Run.Failures.push_back(std::move(Line));
    });
  }
  Pool.wait();
  llvm::sys::fs::remove(TempDir);
  for (std::optional<TUResult> &R : Results)
    if (R)
      Run.Results.push_back(std::move(*R));
  return Run;
}

} // namespace tenure::analyzer
