//===- Configuration.cpp - The clang-tidy configuration of a run ----------===//

#include "analyzer/driver/Configuration.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/GlobList.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

namespace tenure::analyzer {
using namespace clang::tidy;

namespace {

constexpr llvm::StringLiteral DefaultChecks = "-*,tenure-*";

/// parseConfiguration prints YAML's own multi-line diagnostic; keep its
/// first line as the message instead, for a one-line error.
llvm::Expected<ClangTidyOptions>
parseConfigurationQuietly(llvm::StringRef Text, llvm::StringRef Origin) {
  std::string Diagnostic;
  auto Parsed = parseConfigurationWithDiags(
      llvm::MemoryBufferRef(Text, Origin), [&](const llvm::SMDiagnostic &D) {
        if (Diagnostic.empty())
          Diagnostic =
              llvm::formatv("line {0}: {1}", D.getLineNo(), D.getMessage())
                  .str();
      });
  if (Parsed)
    return std::move(*Parsed);
  return llvm::createStringError(
      Origin + ": malformed configuration: " +
      (Diagnostic.empty() ? Parsed.getError().message() : Diagnostic));
}

/// The configuration text of --config or --config-file, if given.
llvm::Expected<std::optional<ClangTidyOptions>>
explicitConfiguration(const Options &O) {
  if (!O.ConfigFile.empty()) {
    if (!O.Config.empty())
      return llvm::createStringError(
          "--config and --config-file cannot be used together");
    auto Text = llvm::MemoryBuffer::getFile(O.ConfigFile);
    if (!Text)
      return llvm::createStringError(
          O.ConfigFile + ": cannot read: " + Text.getError().message());
    return parseConfigurationQuietly((*Text)->getBuffer(), O.ConfigFile);
  }
  if (!O.Config.empty())
    return parseConfigurationQuietly(O.Config, "--config");
  return std::nullopt;
}

} // namespace

llvm::Expected<std::unique_ptr<ClangTidyOptionsProvider>>
makeOptionsProvider(const Options &O) {
  ClangTidyGlobalOptions Global;
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = DefaultChecks.str();
  // A CI gate reports what is in the project's headers too (where most
  // trace() bodies live), as the merged-facts checks always do; system
  // headers stay out. A HeaderFilterRegex in the configuration still wins.
  Defaults.HeaderFilterRegex = ".*";
  ClangTidyOptions Overrides;
  if (!O.Checks.empty())
    Overrides.Checks = O.Checks;
  // --header-filter and --exclude-header-filter are applied by the run that
  // reports, to the path as reported and the absolute path; clang-tidy's
  // own filter (on the path as spelled) is out of their way.
  if (O.HeaderFilter)
    Overrides.HeaderFilterRegex = ".*";
  if (O.HeaderFilter || O.ExcludeHeaderFilter)
    Overrides.ExcludeHeaderFilterRegex = "";

  llvm::Expected<std::optional<ClangTidyOptions>> Explicit =
      explicitConfiguration(O);
  if (!Explicit)
    return Explicit.takeError();
  if (*Explicit)
    return std::make_unique<ConfigOptionsProvider>(
        std::move(Global), std::move(Defaults), std::move(**Explicit),
        std::move(Overrides));
  return std::make_unique<FileOptionsProvider>(
      std::move(Global), std::move(Defaults), std::move(Overrides));
}

llvm::Error checkConfigFiles(const Options &O,
                             llvm::ArrayRef<std::string> Files) {
  if (!O.Config.empty() || !O.ConfigFile.empty())
    return llvm::Error::success();
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
      if (auto Parsed =
              parseConfigurationQuietly((*Text)->getBuffer(), Candidate);
          !Parsed)
        return Parsed.takeError();
    }
  }
  return llvm::Error::success();
}

namespace {

/// The literal (glob-free) names in \p Globs that no registered check has.
std::vector<std::string> unknownCheckNames(llvm::StringRef Globs,
                                           const NamesAndOptions &Known) {
  std::vector<std::string> Unknown;
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Globs.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Part : Parts) {
    Part = Part.trim();
    Part.consume_front("-");
    Part = Part.trim();
    if (Part.empty() || Part.contains('*') ||
        Part.starts_with("clang-diagnostic-") || Known.Names.contains(Part))
      continue;
    Unknown.push_back(Part.str());
  }
  return Unknown;
}

std::string tenureCheckList(const NamesAndOptions &Known) {
  std::vector<std::string> Names;
  for (const auto &Name : Known.Names)
    if (Name.getKey().starts_with("tenure-"))
      Names.push_back(Name.getKey().str());
  llvm::sort(Names);
  return llvm::join(Names, ", ");
}

} // namespace

llvm::Error checkCheckNames(llvm::StringRef Globs) {
  NamesAndOptions Known = getAllChecksAndOptions();
  std::vector<std::string> Unknown = unknownCheckNames(Globs, Known);
  if (Unknown.empty())
    return llvm::Error::success();
  return llvm::createStringError(
      "unknown check '" + Unknown.front() +
      "' (tenure's checks: " + tenureCheckList(Known) + ")");
}

bool checkEnabled(ClangTidyOptionsProvider &Provider, llvm::StringRef File,
                  llvm::StringRef Check) {
  ClangTidyOptions Options = Provider.getOptions(File);
  return GlobList(Options.Checks.value_or("")).contains(Check);
}

int verifyConfig(const Options &O, llvm::ArrayRef<std::string> Files) {
  auto Provider = makeOptionsProvider(O);
  if (!Provider) {
    llvm::errs() << "tenure-analyze: error: "
                 << llvm::toString(Provider.takeError()) << '\n';
    return ExitError;
  }
  NamesAndOptions Known = getAllChecksAndOptions();
  // An option is read as <check>.<Name> or, for the handle options, by its
  // name alone (a global option).
  llvm::StringSet<> Global;
  for (const auto &Key : Known.Options)
    Global.insert(Key.getKey().rsplit('.').second);
  auto Nearest = [&](llvm::StringRef Key) {
    std::string Best;
    unsigned Distance = 4;
    for (const auto &Candidate : Known.Options) {
      unsigned D = Key.edit_distance(Candidate.getKey(), true, Distance);
      if (D < Distance) {
        Distance = D;
        Best = Candidate.getKey().str();
      }
    }
    return Best;
  };

  std::vector<std::string> Where(Files.begin(), Files.end());
  if (Where.empty())
    Where.push_back(".");
  llvm::StringSet<> Reported;
  unsigned Errors = 0;
  auto Report = [&](llvm::StringRef Source, const llvm::Twine &Message) {
    std::string Line = (Source + ": " + Message).str();
    if (Reported.insert(Line).second) {
      llvm::errs() << "tenure-analyze: error: " << Line << '\n';
      ++Errors;
    }
  };
  for (const std::string &File : Where) {
    llvm::SmallString<256> Absolute(File);
    llvm::sys::fs::make_absolute(Absolute);
    if (llvm::sys::fs::is_directory(Absolute))
      llvm::sys::path::append(Absolute, "-"); // Options of the directory.
    for (const auto &[Opts, Source] : (*Provider)->getRawOptions(Absolute)) {
      if (Opts.Checks)
        for (const std::string &Name : unknownCheckNames(*Opts.Checks, Known))
          Report(Source, "unknown check '" + Name + "' (tenure's checks: " +
                             tenureCheckList(Known) + ")");
      for (const auto &Option : Opts.CheckOptions) {
        llvm::StringRef Key = Option.getKey();
        if (Known.Options.contains(Key) || Global.contains(Key))
          continue;
        std::string Suggestion = Nearest(Key);
        Report(Source, "unknown check option '" + Key + "'" +
                           (Suggestion.empty()
                                ? ""
                                : "; did you mean '" + Suggestion + "'?"));
      }
    }
  }
  if (Errors)
    return ExitError;
  llvm::outs() << "No config errors detected.\n";
  return ExitClean;
}

int dumpConfig(const Options &O, llvm::StringRef File) {
  auto Provider = makeOptionsProvider(O);
  if (!Provider) {
    llvm::errs() << "tenure-analyze: error: "
                 << llvm::toString(Provider.takeError()) << '\n';
    return ExitError;
  }
  llvm::SmallString<256> Absolute(File);
  llvm::sys::fs::make_absolute(Absolute);
  if (llvm::sys::fs::is_directory(Absolute))
    llvm::sys::path::append(Absolute, "-");
  ClangTidyOptions Effective = (*Provider)->getOptions(Absolute);
  // Every option with the value this file gets, as clang-tidy shows them.
  Effective.CheckOptions = getCheckOptions(Effective, false);
  llvm::outs() << configurationAsText(
                      ClangTidyOptions::getDefaults().merge(Effective, 0))
               << '\n';
  return ExitClean;
}

} // namespace tenure::analyzer
