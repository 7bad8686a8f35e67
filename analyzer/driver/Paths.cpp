//===- Paths.cpp - One name per file: the canonicalisation rule -----------===//

#include "analyzer/driver/Paths.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace tenure::analyzer {

std::string canonicalPath(llvm::StringRef Path, llvm::StringRef Base) {
  llvm::SmallString<256> Absolute(Path);
  if (llvm::sys::path::is_relative(Absolute)) {
    if (Base.empty()) {
      llvm::sys::fs::make_absolute(Absolute);
    } else {
      llvm::SmallString<256> Joined(Base);
      llvm::sys::fs::make_absolute(Joined);
      llvm::sys::path::append(Joined, Path);
      Absolute = std::move(Joined);
    }
  }
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(Absolute, Real))
    return std::string(Real);
  llvm::sys::path::remove_dots(Absolute, /*remove_dot_dot=*/true);
  return std::string(Absolute);
}

std::string lexicallyCleaned(llvm::StringRef Path) {
  llvm::SmallString<256> Clean(Path);
  llvm::sys::path::remove_dots(Clean, /*remove_dot_dot=*/true);
  return std::string(Clean);
}

std::string relativeToCurrentDirectory(llvm::StringRef Canonical) {
  if (!llvm::sys::path::is_absolute(Canonical))
    return Canonical.str();
  // Suffixes of the path, shortest first: "a.h", "src/a.h", "ws/src/a.h"...
  llvm::SmallVector<llvm::StringRef, 16> Parts(
      llvm::sys::path::begin(Canonical), llvm::sys::path::end(Canonical));
  for (size_t Keep = 1; Keep < Parts.size(); ++Keep) {
    llvm::SmallString<256> Candidate;
    for (llvm::StringRef Part : llvm::ArrayRef(Parts).take_back(Keep))
      llvm::sys::path::append(Candidate, Part);
    if (llvm::sys::fs::exists(Candidate) &&
        canonicalPath(Candidate) == Canonical)
      return std::string(Candidate);
  }
  return Canonical.str();
}

llvm::Expected<std::string> canonicalCurrentDirectory() {
  llvm::SmallString<256> Dir;
  if (std::error_code EC = llvm::sys::fs::current_path(Dir))
    return llvm::createStringError(EC, "cannot read the current directory: " +
                                           EC.message());
  return canonicalPath(Dir);
}

CanonicalCompilationDatabase::CanonicalCompilationDatabase(
    std::unique_ptr<clang::tooling::CompilationDatabase> Inner)
    : Inner(std::move(Inner)) {
  // getAllFiles() joins each `file` to its `directory` without resolving
  // `..` or links; getAllCompileCommands() keeps the database's order.
  for (const clang::tooling::CompileCommand &C :
       this->Inner->getAllCompileCommands()) {
    std::string Canonical = canonicalPath(C.Filename, C.Directory);
    llvm::SmallString<256> Joined(C.Directory);
    llvm::sys::path::append(Joined, C.Filename);
    if (llvm::sys::path::is_absolute(C.Filename))
      Joined = C.Filename;
    llvm::sys::path::native(Joined);
    if (KnownAs.try_emplace(Canonical, std::string(Joined)).second)
      Files.push_back(std::move(Canonical));
  }
}

std::vector<clang::tooling::CompileCommand>
CanonicalCompilationDatabase::getCompileCommands(
    llvm::StringRef FilePath) const {
  auto It = KnownAs.find(canonicalPath(FilePath));
  std::vector<clang::tooling::CompileCommand> Commands =
      Inner->getCompileCommands(
          It == KnownAs.end() ? FilePath : llvm::StringRef(It->second));
  if (Commands.size() > 1)
    Commands.resize(1);
  return Commands;
}

std::vector<std::string> CanonicalCompilationDatabase::getAllFiles() const {
  return Files;
}

std::vector<clang::tooling::CompileCommand>
CanonicalCompilationDatabase::getAllCompileCommands() const {
  std::vector<clang::tooling::CompileCommand> All;
  for (const std::string &File : Files)
    llvm::append_range(All, getCompileCommands(File));
  return All;
}

} // namespace tenure::analyzer
