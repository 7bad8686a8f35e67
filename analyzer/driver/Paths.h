//===- Paths.h - One name per file: the canonicalisation rule ---*- C++ -*-===//
//
// The same file must be one file in reports, baselines, fix-its and the
// per-TU facts (whose locations are the compiler's real paths). The rule:
// a path is made absolute against the directory it is relative to (a
// compile-database entry's `directory`, the build directory of a
// diagnostic, or the current directory), then every symbolic link is
// resolved and `.`/`..` removed (realpath). A path that does not exist is
// only made absolute and cleaned lexically. Reports show a canonical path
// relative to the canonical current directory when it is under it.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_PATHS_H
#define TENURE_ANALYZER_DRIVER_PATHS_H

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <string>
#include <vector>

namespace tenure::analyzer {

/// \p Path made absolute against \p Base (the current directory when empty),
/// symbolic links resolved.
std::string canonicalPath(llvm::StringRef Path, llvm::StringRef Base = "");

/// \p Path with `.` and `..` removed, links not followed.
std::string lexicallyCleaned(llvm::StringRef Path);

/// For --relative-paths: the shortest relative path under the current
/// directory whose canonical path is \p Canonical, else \p Canonical. A
/// sandboxed build action sees its inputs as links at their relative
/// execution paths (`src/a.h` -> `/home/me/ws/src/a.h`), a remote one as
/// files under its working directory: both get the same name.
std::string relativeToCurrentDirectory(llvm::StringRef Canonical);

/// The canonical current directory: the root reports are relative to.
llvm::Expected<std::string> canonicalCurrentDirectory();

/// A compile database seen through canonical paths: each entry's `file`
/// resolved against its `directory`, so `../src/a.cpp` (Meson), `a.cpp` in
/// a sub-make's directory (bear) and a file reached through a link are each
/// the one file they name. A file listed several times gets its first
/// command only: it is analysed once.
class CanonicalCompilationDatabase
    : public clang::tooling::CompilationDatabase {
public:
  explicit CanonicalCompilationDatabase(
      std::unique_ptr<clang::tooling::CompilationDatabase> Inner);

  std::vector<clang::tooling::CompileCommand>
  getCompileCommands(llvm::StringRef FilePath) const override;
  std::vector<std::string> getAllFiles() const override;
  std::vector<clang::tooling::CompileCommand>
  getAllCompileCommands() const override;

private:
  std::unique_ptr<clang::tooling::CompilationDatabase> Inner;
  /// Canonical path -> the name the inner database knows it by.
  llvm::StringMap<std::string> KnownAs;
  std::vector<std::string> Files; ///< Canonical, in database order.
};

} // namespace tenure::analyzer

#endif
