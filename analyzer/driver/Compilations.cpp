//===- Compilations.cpp - Which files, with which commands ----------------===//

#include "analyzer/driver/Compilations.h"

#include "analyzer/driver/Paths.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace tenure::analyzer {
namespace tooling = clang::tooling;

llvm::Expected<std::unique_ptr<tooling::CompilationDatabase>>
loadCompilations(const Options &O) {
  std::unique_ptr<tooling::CompilationDatabase> DB;
  std::string Message;
  bool AppendDashDash = false;
  if (!O.BuildPath.empty()) {
    llvm::SmallString<256> File(O.BuildPath);
    llvm::sys::path::append(File, "compile_commands.json");
    if (!llvm::sys::fs::exists(File))
      return llvm::createStringError(O.BuildPath +
                                     ": cannot load the compile database: no "
                                     "compile_commands.json (configure with "
                                     "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
    DB = tooling::JSONCompilationDatabase::loadFromFile(
        File, Message, tooling::JSONCommandLineSyntax::AutoDetect);
    if (!DB) {
      std::replace(Message.begin(), Message.end(), '\n', ' ');
      return llvm::createStringError(
          File + ": cannot load the compile database: " + Message);
    }
    DB = std::make_unique<CanonicalCompilationDatabase>(
        tooling::inferMissingCompileCommands(std::move(DB)));
    AppendDashDash = O.FlagsAfterDashDash.has_value();
  } else if (O.FlagsAfterDashDash) {
    DB = std::make_unique<tooling::FixedCompilationDatabase>(
        ".", *O.FlagsAfterDashDash);
  } else if (!O.Sources.empty()) {
    DB = tooling::CompilationDatabase::autoDetectFromSource(O.Sources.front(),
                                                            Message);
    if (!DB)
      return llvm::createStringError(
          "no compile database found for " + O.Sources.front() +
          ": pass -p <build dir>, or compiler flags after --");
    DB = std::make_unique<CanonicalCompilationDatabase>(std::move(DB));
  } else {
    return llvm::createStringError("nothing to analyse: pass -p <build dir> "
                                   "or source files (see --help)");
  }
  auto Adjusted =
      std::make_unique<tooling::ArgumentsAdjustingCompilations>(std::move(DB));
  // `-p build a.cpp -- -DX`: the database's command for a.cpp, plus -DX.
  std::vector<std::string> After = O.ExtraArgs;
  if (AppendDashDash)
    After.insert(After.begin(), O.FlagsAfterDashDash->begin(),
                 O.FlagsAfterDashDash->end());
  if (!After.empty())
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        After, tooling::ArgumentInsertPosition::END));
  if (!O.ExtraArgsBefore.empty())
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        O.ExtraArgsBefore, tooling::ArgumentInsertPosition::BEGIN));
  // A LibTooling tool finds Clang's own headers (<stddef.h>...) relative to
  // its executable, which is not installed where clang is: pin them.
  Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      "-resource-dir=" TENURE_CLANG_RESOURCE_DIR,
      tooling::ArgumentInsertPosition::BEGIN));
  return Adjusted;
}

llvm::Expected<SourceList>
sourcesToAnalyse(const Options &O,
                 const tooling::CompilationDatabase &Compilations) {
  SourceList List;
  llvm::StringSet<> Seen;
  if (!O.Sources.empty()) {
    for (const std::string &Given : O.Sources) {
      if (!llvm::sys::fs::exists(Given))
        return llvm::createStringError(Given + ": no such file");
      // A build action's source is compiled by its name in the sandbox:
      // through its real path, `#include "x.h"` would find headers beside
      // it in the source tree that the action does not declare.
      std::string File =
          O.RelativePaths ? lexicallyCleaned(Given) : canonicalPath(Given);
      if (Seen.insert(File).second)
        List.Files.push_back(std::move(File));
    }
    return List;
  }
  for (std::string &File : Compilations.getAllFiles()) {
    if (!Seen.insert(File).second)
      continue;
    if (llvm::sys::fs::exists(File)) {
      List.Files.push_back(std::move(File));
      continue;
    }
    llvm::errs() << "tenure-analyze: error: " << File
                 << ": no such file (a stale entry of " << O.BuildPath
                 << "/compile_commands.json); the other files are still "
                    "analysed\n";
    List.Stale.push_back(std::move(File));
  }
  if (List.Files.empty() && List.Stale.empty())
    return llvm::createStringError(O.BuildPath +
                                   ": the compile database lists no files");
  return List;
}

} // namespace tenure::analyzer
