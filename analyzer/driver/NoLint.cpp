//===- NoLint.cpp - NOLINT comments for findings made after the merge -----===//

#include "analyzer/driver/NoLint.h"

#include "clang-tidy/GlobList.h"
#include "llvm/ADT/SmallVector.h"

namespace tenure::analyzer {
namespace {

enum class Directive { None, NoLint, NextLine, Begin, End };

struct Found {
  Directive Kind = Directive::None;
  bool Matches = false; ///< The directive's check list covers the check.
};

// The directive on one line, if any, and whether it names \p Check.
Found parseLine(llvm::StringRef Text, llvm::StringRef Check) {
  size_t At = Text.find("NOLINT");
  if (At == llvm::StringRef::npos)
    return {};
  llvm::StringRef Rest = Text.substr(At + 6);
  Found F;
  if (Rest.consume_front("NEXTLINE"))
    F.Kind = Directive::NextLine;
  else if (Rest.consume_front("BEGIN"))
    F.Kind = Directive::Begin;
  else if (Rest.consume_front("END"))
    F.Kind = Directive::End;
  else
    F.Kind = Directive::NoLint;
  if (!Rest.consume_front("(")) {
    F.Matches = true; // No list: every check.
    return F;
  }
  llvm::StringRef List = Rest.take_until([](char C) { return C == ')'; });
  clang::tidy::GlobList Globs(List, /*KeepNegativeGlobs=*/false);
  F.Matches = Globs.contains(Check);
  return F;
}

} // namespace

bool isSuppressedByNoLint(llvm::StringRef Source, unsigned Line,
                          llvm::StringRef Check) {
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Source.split(Lines, '\n');
  if (Line == 0 || Line > Lines.size())
    return false;
  Found Here = parseLine(Lines[Line - 1], Check);
  if (Here.Kind == Directive::NoLint && Here.Matches)
    return true;
  if (Line >= 2) {
    Found Above = parseLine(Lines[Line - 2], Check);
    if (Above.Kind == Directive::NextLine && Above.Matches)
      return true;
  }
  int OpenBlocks = 0;
  for (unsigned I = 0; I < Line; ++I) {
    Found F = parseLine(Lines[I], Check);
    if (!F.Matches)
      continue;
    if (F.Kind == Directive::Begin)
      ++OpenBlocks;
    else if (F.Kind == Directive::End && OpenBlocks > 0)
      --OpenBlocks;
  }
  return OpenBlocks > 0;
}

} // namespace tenure::analyzer
