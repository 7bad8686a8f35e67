//===- TenureCheck.cpp ----------------------------------------------------===//

#include "checks/TenureCheck.h"

#include "analyzer/ast/SourceFacts.h"
#include "analyzer/model/Facts.h"
#include "checks/SourceLocations.h"
#include "clang/Basic/FileManager.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/DenseMap.h"
#include <mutex>

using namespace clang;

namespace tenure::checks {
namespace {

// Workers may run TUs on several threads, each with its own context.
std::mutex AttachedMutex;
llvm::DenseMap<const tidy::ClangTidyContext *, FactsRecorder *> &attached() {
  static llvm::DenseMap<const tidy::ClangTidyContext *, FactsRecorder *> Map;
  return Map;
}

} // namespace

FactsRecorder::FactsRecorder(const tidy::ClangTidyContext &Context)
    : Context(Context) {
  std::lock_guard<std::mutex> Lock(AttachedMutex);
  attached()[&Context] = this;
}

FactsRecorder::~FactsRecorder() {
  std::lock_guard<std::mutex> Lock(AttachedMutex);
  attached().erase(&Context);
}

FactsRecorder *
FactsRecorder::attachedTo(const tidy::ClangTidyContext *Context) {
  std::lock_guard<std::mutex> Lock(AttachedMutex);
  return attached().lookup(Context);
}

TenureCheck::TenureCheck(StringRef Name, tidy::ClangTidyContext *Context,
                         StrongHandlesOption Strong)
    : ClangTidyCheck(Name, Context), Strong(Strong),
      StrongHandles(
          Strong.Global
              ? Options.getLocalOrGlobal(Strong.Name, Strong.Default.str())
              : Options.get(Strong.Name, Strong.Default.str())),
      WeakHandles(Options.getLocalOrGlobal("WeakHandles",
                                           analyzer::DefaultWeakHandles.str())),
      Handles(StrongHandles, WeakHandles),
      Recorder(FactsRecorder::attachedTo(Context)) {}

namespace {

// Records what the parse read, once it has read all of it.
class InputRecorder : public PPCallbacks {
public:
  InputRecorder(const SourceManager &SM, FactsRecorder &Recorder)
      : SM(SM), Recorder(Recorder) {}

  void EndOfMainFile() override {
    if (!Recorder.Inputs.empty())
      return; // Another tenure check got here first.
    FileManager &Files = SM.getFileManager();
    for (const auto &[Entry, Content] :
         llvm::make_range(SM.fileinfo_begin(), SM.fileinfo_end())) {
      std::optional<llvm::MemoryBufferRef> Buffer =
          Content->getBufferIfLoaded();
      if (!Buffer)
        continue;
      // The real path: what the next run reads again, whatever links and
      // "../" the include path spelled it through.
      Recorder.Inputs.try_emplace(Files.getCanonicalName(Entry).str(),
                                  analyzer::contentHash(Buffer->getBuffer()));
    }
  }

private:
  const SourceManager &SM;
  FactsRecorder &Recorder;
};

} // namespace

void TenureCheck::registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                                      Preprocessor *ModuleExpanderPP) {
  if (Recorder)
    PP->addPPCallbacks(std::make_unique<InputRecorder>(SM, *Recorder));
}

void TenureCheck::onStartOfTranslationUnit() {
  if (Recorder && !Recorder->AnalysisStart)
    Recorder->AnalysisStart = llvm::TimeRecord::getCurrentTime(/*Start=*/false);
}

void TenureCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, Strong.Name, StrongHandles);
  Options.store(Opts, "WeakHandles", WeakHandles);
}

DiagnosticBuilder TenureCheck::diagIn(const Decl &In, SourceLocation Loc,
                                      StringRef Description,
                                      DiagnosticIDs::Level Level) {
  if (Recorder && Loc.isValid()) {
    // Where clang-tidy's renderer puts the diagnostic: its file location.
    const SourceManager &SM = In.getASTContext().getSourceManager();
    SourceLocation FileLoc = SM.getFileLoc(Loc);
    Recorder->Contexts.try_emplace(
        {SM.getFilename(FileLoc).str(), SM.getFileOffset(FileLoc)},
        analyzer::enclosingDeclaration(In));
  }
  return diag(Loc, Description, Level);
}

void TenureCheck::reportFromFacts(SourceManager &SM,
                                  const analyzer::Location &At,
                                  StringRef Message,
                                  llvm::ArrayRef<analyzer::Note> Notes,
                                  llvm::ArrayRef<analyzer::Replacement> Fix) {
  SourceLocation Loc = toSourceLocation(SM, At);
  if (Loc.isInvalid())
    return;
  {
    DiagnosticBuilder Diag = diag(Loc, "%0") << Message;
    for (const analyzer::Replacement &R : Fix)
      if (std::optional<FixItHint> Hint = toFixIt(SM, R))
        Diag << *Hint;
  }
  for (const analyzer::Note &N : Notes)
    if (SourceLocation NoteLoc = toSourceLocation(SM, N.Loc); NoteLoc.isValid())
      diag(NoteLoc, "%0", DiagnosticIDs::Note) << N.Message;
}

} // namespace tenure::checks
