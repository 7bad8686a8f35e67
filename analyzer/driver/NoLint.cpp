//===- NoLint.cpp - NOLINT comments for findings made after the merge -----===//

#include "analyzer/driver/NoLint.h"

#include "clang-tidy/GlobList.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Statistic.h"

#define DEBUG_TYPE "tenure-analyze"

namespace tenure::analyzer {

ALWAYS_ENABLED_STATISTIC(NoLintListsMatched,
                         "NOLINT check lists matched against a check");

NoLintComments::NoLintComments(llvm::StringRef Source) {
  Lines = Source.count('\n') + 1;
  unsigned Line = 1;
  size_t Counted = 0; // Source[0, Counted) is before Line.
  for (size_t At = Source.find("NOLINT"); At != llvm::StringRef::npos;) {
    Line += Source.slice(Counted, At).count('\n');
    size_t End = Source.find('\n', At);
    llvm::StringRef Rest = Source.slice(At + 6, End);
    Comment C{Line, Directive::NoLint, std::nullopt};
    if (Rest.consume_front("NEXTLINE"))
      C.Kind = Directive::NextLine;
    else if (Rest.consume_front("BEGIN"))
      C.Kind = Directive::Begin;
    else if (Rest.consume_front("END"))
      C.Kind = Directive::End;
    if (Rest.consume_front("("))
      C.Checks = Rest.take_until([](char Ch) { return Ch == ')'; });
    Comments.push_back(C);
    // The first directive on a line is the one that counts.
    if (End == llvm::StringRef::npos)
      break;
    Counted = End;
    At = Source.find("NOLINT", End);
  }
}

const NoLintComments::Comment *NoLintComments::at(unsigned Line) const {
  auto It = llvm::partition_point(
      Comments, [&](const Comment &C) { return C.Line < Line; });
  return It != Comments.end() && It->Line == Line ? &*It : nullptr;
}

bool NoLintComments::covers(const Comment &C, llvm::StringRef Check) const {
  if (!C.Checks)
    return true;
  ++NoLintListsMatched;
  return clang::tidy::GlobList(*C.Checks, /*KeepNegativeGlobs=*/false)
      .contains(Check);
}

const std::vector<NoLintComments::BlockChange> &
NoLintComments::blocks(llvm::StringRef Check) {
  auto [It, New] = Blocks.try_emplace(Check);
  if (!New)
    return It->second;
  unsigned Open = 0;
  for (const Comment &C : Comments) {
    if ((C.Kind != Directive::Begin && C.Kind != Directive::End) ||
        !covers(C, Check))
      continue;
    if (C.Kind == Directive::Begin)
      ++Open;
    else if (Open > 0)
      --Open;
    else
      continue;
    It->second.push_back({C.Line, Open});
  }
  return It->second;
}

bool NoLintComments::suppresses(unsigned Line, llvm::StringRef Check) {
  if (Line == 0 || Line > Lines)
    return false;
  if (const Comment *Here = at(Line))
    if (Here->Kind == Directive::NoLint && covers(*Here, Check))
      return true;
  if (const Comment *Above = Line >= 2 ? at(Line - 1) : nullptr)
    if (Above->Kind == Directive::NextLine && covers(*Above, Check))
      return true;
  // The blocks open at the end of this line (a NOLINTBEGIN on it counts).
  const std::vector<BlockChange> &Changes = blocks(Check);
  auto After = llvm::partition_point(
      Changes, [&](const BlockChange &B) { return B.Line <= Line; });
  return After != Changes.begin() && std::prev(After)->Open > 0;
}

} // namespace tenure::analyzer
