//===- Fixes.cpp - Applying and exporting fix-its -------------------------===//

#include "analyzer/driver/Fixes.h"

#include "analyzer/driver/Output.h"
#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/Core/Replacement.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"
#include <map>

namespace tenure::analyzer {
namespace tooling = clang::tooling;

namespace {

tooling::Replacement toTooling(const Replacement &R) {
  return tooling::Replacement(R.File, R.Offset, R.Length, R.Text);
}

/// Adds \p R to \p Set unless the same edit is there already (two findings
/// may share one, such as a declaration both change the same way). Two
/// insertions at one place (two fields added before the same '}') are both
/// kept, the earlier finding's first, where Replacements alone would call
/// them a conflict.
llvm::Error addOnce(tooling::Replacements &Set, const tooling::Replacement &R) {
  if (llvm::is_contained(Set, R))
    return llvm::Error::success();
  if (R.getLength() == 0)
    for (const tooling::Replacement &Taken : Set)
      if (Taken.getLength() == 0 && Taken.getOffset() == R.getOffset()) {
        tooling::Replacements Rebuilt;
        for (const tooling::Replacement &Other : Set)
          if (&Other != &Taken)
            llvm::cantFail(Rebuilt.add(Other));
        if (llvm::Error Err = Rebuilt.add(tooling::Replacement(
                R.getFilePath(), R.getOffset(), 0,
                (Taken.getReplacementText() + R.getReplacementText()).str())))
          return Err;
        Set = std::move(Rebuilt);
        return llvm::Error::success();
      }
  return Set.add(R);
}

} // namespace

llvm::Error applyFixes(const std::vector<Finding> &Findings,
                       const llvm::StringMap<std::string> &ReadByAnalysis,
                       AppliedFixes &Applied) {
  std::map<std::string, tooling::Replacements> ByFile;
  for (const Finding &F : Findings) {
    if (F.Fix.empty())
      continue;
    // Tried on copies: a finding's edits are taken together or not at all.
    std::map<std::string, tooling::Replacements> Trial;
    bool Conflict = false;
    for (const Replacement &R : F.Fix) {
      auto [It, New] = Trial.try_emplace(R.File);
      if (New)
        if (auto Taken = ByFile.find(R.File); Taken != ByFile.end())
          It->second = Taken->second;
      if (llvm::Error Err = addOnce(It->second, toTooling(R))) {
        llvm::consumeError(std::move(Err));
        Conflict = true;
        break;
      }
    }
    if (Conflict) {
      llvm::errs() << "tenure-analyze: note: " << F.Loc.File << ':'
                   << F.Loc.Line << ": fix not applied, it overlaps another\n";
      continue;
    }
    for (auto &[File, Set] : Trial)
      ByFile[File] = std::move(Set);
    ++Applied.Findings;
  }

  llvm::Error Failures = llvm::Error::success();
  auto Fail = [&](const llvm::Twine &Message) {
    Failures = llvm::joinErrors(std::move(Failures),
                                llvm::createStringError(Message.str()));
  };
  for (auto &[File, Set] : ByFile) {
    auto Read = ReadByAnalysis.find(File);
    if (Read == ReadByAnalysis.end()) {
      Fail(File + ": not applying fixes: the analysis did not read this file");
      continue;
    }
    auto Text = llvm::MemoryBuffer::getFile(File);
    if (!Text) {
      Fail(File + ": cannot read to apply fixes: " + Text.getError().message());
      continue;
    }
    if (contentHash((*Text)->getBuffer()) != Read->second) {
      Fail(File + ": not applying fixes: the file changed since the analysis "
                  "read it (run the analysis again)");
      continue;
    }
    llvm::Expected<std::string> Fixed =
        tooling::applyAllReplacements((*Text)->getBuffer(), Set);
    if (!Fixed) {
      Fail(File + ": cannot apply fixes: " + llvm::toString(Fixed.takeError()));
      continue;
    }
    if (llvm::Error Err =
            writeOutput(File, [&](llvm::raw_ostream &OS) { OS << *Fixed; })) {
      Fail(File + ": cannot write fixes: " + llvm::toString(std::move(Err)));
      continue;
    }
    Applied.Files.push_back(File);
  }
  return Failures;
}

void writeExportedFixes(llvm::raw_ostream &OS,
                        const std::vector<Finding> &Findings,
                        llvm::function_ref<unsigned(const Location &)> Offset) {
  tooling::TranslationUnitDiagnostics TU;
  for (const Finding &F : Findings) {
    if (F.Fix.empty())
      continue;
    if (TU.MainSourceFile.empty())
      TU.MainSourceFile = F.Loc.File;
    tooling::DiagnosticMessage Message;
    Message.Message = F.Message;
    Message.FilePath = F.Loc.File;
    Message.FileOffset = Offset(F.Loc);
    for (const Replacement &R : F.Fix)
      llvm::consumeError(
          Message.Fix[R.File].add(toTooling(R))); // Overlaps: kept apart.
    TU.Diagnostics.emplace_back(
        F.Check, Message, llvm::SmallVector<tooling::DiagnosticMessage, 1>(),
        tooling::Diagnostic::Warning, "");
  }
  llvm::yaml::Output YAML(OS);
  YAML << TU;
}

} // namespace tenure::analyzer
