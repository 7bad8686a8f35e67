//===- Programs.h - Which translation units make one program ----*- C++ -*-===//
//
// Whole-program answers (a cycle through types of several files, an erase
// in another .cpp) come from the facts of one program: two executables of
// one compile database that each declare a class Node have two types Node.
// A program is the set of translation units linked into one executable or
// shared library. It is known from a program file (--programs=FILE, written
// by hand or by a tool) or from the CMake file API reply of the build
// directory (its codemodel: targets, their sources and the targets they
// link). Without either, every unit of the run is one program.
//
// A program file:
//
//   {"tenure_programs": 1,
//    "programs": [{"name": "server", "sources": ["server/", "common/log.cpp"]},
//                 {"name": "client", "sources": ["client/", "common/"]}]}
//
// A source is a translation unit or a directory (every unit under it);
// relative paths are relative to the file's own directory.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_PROGRAMS_H
#define TENURE_ANALYZER_DRIVER_PROGRAMS_H

#include "analyzer/driver/Options.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <string>
#include <vector>

namespace tenure::analyzer {

inline constexpr int ProgramsVersion = 1;

struct Program {
  std::string Name;
  std::vector<std::string> Files; ///< Canonical paths of its units.
};

struct ProgramList {
  /// Where the programs were read: the program file or the reply folder.
  std::string Origin;
  std::vector<Program> Programs;
};

/// Reads a program file. Each source must name a unit of \p Units (a file)
/// or a folder holding one; errors are one line naming the file.
llvm::Expected<ProgramList> readProgramFile(llvm::StringRef Path,
                                            llvm::ArrayRef<std::string> Units);

/// Reads the codemodel in \p BuildDir's CMake file API reply: one program
/// per executable, shared library and module, holding its own sources and
/// those of every library it links, directly or through other libraries;
/// a static or object library no program links is a program of its own.
/// std::nullopt when the folder has no codemodel reply.
llvm::Expected<std::optional<ProgramList>>
readCMakePrograms(llvm::StringRef BuildDir);

/// The programs of a run: --programs (a program file or a build folder
/// with a reply), else the reply of -p's folder, else none (one program).
/// \p Units: the units the run may name (the database's files, or the
/// facts files' units).
llvm::Expected<std::optional<ProgramList>>
programsOfRun(const Options &O, llvm::ArrayRef<std::string> Units);

/// A program as the merge step runs it: indexes into the run's units.
struct UnitGroup {
  std::string Name;
  std::vector<size_t> Units;
  bool OfNoProgram = false; ///< The units no program names.
};

/// The units of each program, in the order of \p Units. A unit in several
/// programs is in each; the units no program names form one more group;
/// programs with no unit of the run are dropped, and programs with the same
/// units are one.
std::vector<UnitGroup> groupUnits(const ProgramList &L,
                                  llvm::ArrayRef<std::string> Units);

/// Writes \p L as a program file, paths relative to \p Root when under it
/// (--dump-programs).
void writeProgramFile(llvm::raw_ostream &OS, const ProgramList &L,
                      llvm::StringRef Root);

/// The query file that makes cmake write the codemodel reply into
/// \p BuildDir, or "" when it is no CMake build folder.
std::string cmakeQueryFile(llvm::StringRef BuildDir);

} // namespace tenure::analyzer

#endif
