//===- LineFilter.cpp -----------------------------------------------------===//

#include "analyzer/driver/LineFilter.h"

#include "analyzer/model/EvidenceMatch.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

namespace tenure::analyzer {
namespace {

llvm::Error malformed(llvm::StringRef Origin, const llvm::Twine &What) {
  return llvm::createStringError(Origin + ": malformed line filter: " + What);
}

/// Runs git with \p Args; its standard output, or an error naming \p Flag.
llvm::Expected<std::string> runGit(llvm::ArrayRef<llvm::StringRef> Args,
                                   llvm::StringRef Flag) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return llvm::createStringError(Flag + ": git is not on PATH");
  llvm::SmallString<128> Out, Err;
  if (std::error_code EC =
          llvm::sys::fs::createTemporaryFile("tenure-git", "out", Out))
    return llvm::createStringError(Flag + ": " + EC.message());
  if (std::error_code EC =
          llvm::sys::fs::createTemporaryFile("tenure-git", "err", Err))
    return llvm::createStringError(Flag + ": " + EC.message());
  std::vector<llvm::StringRef> Argv = {*Git};
  llvm::append_range(Argv, Args);
  std::optional<llvm::StringRef> Redirects[] = {
      llvm::StringRef(""), llvm::StringRef(Out), llvm::StringRef(Err)};
  int Code = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects);
  auto Read = [](llvm::StringRef Path) {
    auto Buffer = llvm::MemoryBuffer::getFile(Path);
    return Buffer ? (*Buffer)->getBuffer().str() : std::string();
  };
  std::string Stdout = Read(Out), Stderr = Read(Err);
  llvm::sys::fs::remove(Out);
  llvm::sys::fs::remove(Err);
  if (Code != 0) {
    llvm::StringRef Reason = llvm::StringRef(Stderr).trim();
    Reason = Reason.take_until([](char C) { return C == '\n'; });
    return llvm::createStringError(
        Flag + ": git " + Args.front() + " failed" +
        (Reason.empty() ? llvm::formatv(" (exit code {0})", Code).str()
                        : ": " + Reason.str()));
  }
  return Stdout;
}

} // namespace

llvm::Expected<LineFilter> LineFilter::fromJSON(llvm::StringRef Text,
                                                llvm::StringRef Origin) {
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
  if (!V)
    return malformed(Origin, llvm::toString(V.takeError()));
  const llvm::json::Array *Entries = V->getAsArray();
  if (!Entries)
    return malformed(Origin, "expected a list of {\"name\", \"lines\"}");
  LineFilter Filter;
  for (size_t I = 0; I < Entries->size(); ++I) {
    const llvm::json::Object *E = (*Entries)[I].getAsObject();
    std::optional<llvm::StringRef> Name =
        E ? E->getString("name") : std::nullopt;
    if (!Name || Name->empty())
      return malformed(Origin, llvm::formatv("entry {0} has no \"name\"", I));
    FileLines F;
    F.Name = Name->str();
    const llvm::json::Value *Lines = E->get("lines");
    F.Whole = !Lines;
    if (Lines) {
      const llvm::json::Array *Ranges = Lines->getAsArray();
      if (!Ranges)
        return malformed(
            Origin, llvm::formatv("entry {0}: \"lines\" is not a list", I));
      for (const llvm::json::Value &R : *Ranges) {
        const llvm::json::Array *Pair = R.getAsArray();
        std::optional<int64_t> First, Last;
        if (Pair && Pair->size() == 2) {
          First = (*Pair)[0].getAsInteger();
          Last = (*Pair)[1].getAsInteger();
        }
        if (!First || !Last || *First < 1 || *Last < *First ||
            *Last > std::numeric_limits<unsigned>::max())
          return malformed(
              Origin, llvm::formatv("entry {0}: a line range is [first, last] "
                                    "with 1 <= first <= last",
                                    I));
        F.Ranges.push_back({unsigned(*First), unsigned(*Last)});
      }
    }
    Filter.Files.push_back(std::move(F));
  }
  return Filter;
}

llvm::Expected<LineFilter> LineFilter::fromUnifiedDiff(llvm::StringRef Diff,
                                                       llvm::StringRef Root) {
  LineFilter Filter;
  FileLines *Current = nullptr;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Diff.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    if (Line.consume_front("+++ ")) {
      Current = nullptr;
      if (Line == "/dev/null")
        continue; // A deleted file has no lines to report on.
      llvm::SmallString<256> Path(Root);
      llvm::sys::path::append(Path, Line.rtrim('\t'));
      Filter.Files.push_back({std::string(Path), false, {}});
      Current = &Filter.Files.back();
      continue;
    }
    // "@@ -a[,b] +c[,d] @@": lines c .. c+d-1 of the new file are new.
    if (!Current || !Line.consume_front("@@ -"))
      continue;
    size_t Plus = Line.find(" +");
    if (Plus == llvm::StringRef::npos)
      return llvm::createStringError(
          "unexpected hunk header in git diff: @@ -" + Line);
    llvm::StringRef New =
        Line.drop_front(Plus + 2).take_until([](char C) { return C == ' '; });
    auto [Start, Count] = New.split(',');
    unsigned First = 0, Length = 1;
    if (Start.getAsInteger(10, First) ||
        (!Count.empty() && Count.getAsInteger(10, Length)))
      return llvm::createStringError(
          "unexpected hunk header in git diff: @@ -" + Line);
    if (Length > 0)
      Current->Ranges.push_back({First, First + Length - 1});
  }
  return Filter;
}

llvm::Expected<LineFilter> LineFilter::changedSince(llvm::StringRef Revision,
                                                    llvm::StringRef Directory) {
  std::string Flag = ("--changed-since=" + Revision).str();
  if (Revision.empty() || Revision.starts_with("-"))
    return llvm::createStringError(Flag + ": not a git revision");
  llvm::Expected<std::string> Top =
      runGit({"-C", Directory, "rev-parse", "--show-toplevel"}, Flag);
  if (!Top)
    return Top.takeError();
  std::string Root = llvm::StringRef(*Top).trim().str();
  // Committed, staged and unstaged changes since the revision.
  llvm::Expected<std::string> Diff =
      runGit({"-C", Root, "diff", "--unified=0", "--no-color", "--no-prefix",
              "--no-ext-diff", "--no-renames", Revision, "--"},
             Flag);
  if (!Diff)
    return Diff.takeError();
  llvm::Expected<LineFilter> Filter = fromUnifiedDiff(*Diff, Root);
  if (!Filter)
    return llvm::createStringError(Flag + ": " +
                                   llvm::toString(Filter.takeError()));
  // Files git does not track yet are new in every line.
  llvm::Expected<std::string> Untracked =
      runGit({"-C", Root, "ls-files", "--others", "--exclude-standard"}, Flag);
  if (!Untracked)
    return Untracked.takeError();
  llvm::SmallVector<llvm::StringRef, 16> Names;
  llvm::StringRef(*Untracked).split(Names, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Name : Names) {
    llvm::SmallString<256> Path(Root);
    llvm::sys::path::append(Path, Name);
    Filter->Files.push_back({std::string(Path), true, {}});
  }
  return Filter;
}

bool LineFilter::contains(llvm::StringRef File, unsigned Line) const {
  return llvm::any_of(Files, [&](const FileLines &F) {
    if (!sameFile(File, F.Name))
      return false;
    return F.Whole || llvm::any_of(F.Ranges, [&](const auto &R) {
             return Line >= R.first && Line <= R.second;
           });
  });
}

} // namespace tenure::analyzer
