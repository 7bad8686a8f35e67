//===- TenureCheck.cpp ----------------------------------------------------===//

#include "checks/TenureCheck.h"

#include "analyzer/ast/SourceFacts.h"
#include "analyzer/model/Facts.h"
#include "checks/SourceLocations.h"
#include "clang/Basic/FileManager.h"
#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/HeaderSearchOptions.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <mutex>

using namespace clang;

#define DEBUG_TYPE "tenure-checks"

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

namespace {

// What --debug-counters shows: the checks' walk covers the TU's own code,
// not the standard library's declarations.
ALWAYS_ENABLED_STATISTIC(TopLevelDeclsWalked,
                         "top-level declarations the checks walk");
ALWAYS_ENABLED_STATISTIC(SystemTopLevelDeclsSkipped,
                         "top-level declarations in system headers the "
                         "checks' walk skips");

/// Whether the check globs \p Globs can enable a check that is not
/// tenure's: a positive glob for another name enables it until a later
/// `-*`. Compiler warnings (clang-diagnostic-*) walk no AST.
bool enablesOtherChecks(StringRef Globs) {
  bool Others = false;
  SmallVector<StringRef, 8> Lines, Parts;
  Globs.split(Lines, '\n');
  for (StringRef Line : Lines) {
    Line.split(Parts, ',');
    for (StringRef Glob : Parts) {
      Glob = Glob.trim();
      if (Glob.empty())
        continue;
      if (Glob.consume_front("-")) {
        if (Glob.trim() == "*")
          Others = false;
      } else if (!Glob.starts_with("tenure-") &&
                 !Glob.starts_with("clang-diagnostic-")) {
        Others = true;
      }
    }
    Parts.clear();
  }
  return Others;
}

} // namespace

TenureCheck::TenureCheck(StringRef Name, tidy::ClangTidyContext *Context,
                         StrongHandlesOption Strong)
    : ClangTidyCheck(Name, Context), Limiter(Name),
      UserCodeOnly(
          !Context->getOptions().SystemHeaders.value_or(false) &&
          !enablesOtherChecks(Context->getOptions().Checks.value_or(""))),
      Strong(Strong),
      StrongHandles(
          Strong.Global
              ? Options.getLocalOrGlobal(Strong.Name, Strong.Default.str())
              : Options.get(Strong.Name, Strong.Default.str())),
      WeakHandles(Options.getLocalOrGlobal("WeakHandles",
                                           analyzer::DefaultWeakHandles.str())),
      Handles(StrongHandles, WeakHandles),
      Recorder(FactsRecorder::attachedTo(Context)) {}

namespace {

// Records what the parse read, once it has read all of it, and what its
// #include lookups passed over on the way.
class InputRecorder : public PPCallbacks {
public:
  InputRecorder(const SourceManager &SM, const Preprocessor &PP,
                FactsRecorder &Recorder)
      : SM(SM), PP(PP), Recorder(Recorder) {}

  void InclusionDirective(SourceLocation HashLoc, const Token &IncludeTok,
                          StringRef FileName, bool IsAngled,
                          CharSourceRange FilenameRange,
                          OptionalFileEntryRef File, StringRef SearchPath,
                          StringRef RelativePath, const Module *SuggestedModule,
                          bool ModuleImported,
                          SrcMgr::CharacteristicKind FileType) override {
    // #include_next resumes after the includer's own folder, which this
    // does not know; an absolute name is looked for nowhere else.
    if (!File || llvm::sys::path::is_absolute(FileName) ||
        IncludeTok.getIdentifierInfo()->getPPKeywordID() ==
            tok::pp_include_next)
      return;
    std::vector<std::string> PassedOver;
    auto PassOver = [&](StringRef Dir) {
      std::string Path = absolute(Dir, FileName);
      // A folder where the name exists did not shadow anything: the lookup
      // went another way than the one followed here (a header map, a
      // framework, MSVC's includer stack). Keep nothing of it.
      if (llvm::sys::fs::exists(Path))
        return false;
      PassedOver.push_back(std::move(Path));
      return true;
    };
    if (!IsAngled) {
      // A quoted name is looked for beside the includer first.
      OptionalFileEntryRef Includer =
          SM.getFileEntryRefForID(SM.getFileID(SM.getExpansionLoc(HashLoc)));
      if (Includer && Includer->getDir().getName() == SearchPath)
        return;
      if (Includer && !PassOver(Includer->getDir().getName()))
        return;
    }
    const HeaderSearch &Search = PP.getHeaderSearchInfo();
    for (ConstSearchDirIterator It = IsAngled ? Search.angled_dir_begin()
                                              : Search.quoted_dir_begin();
         It != Search.search_dir_end(); ++It) {
      if (!It->isNormalDir())
        continue;
      if (It->getName() == SearchPath) {
        Recorder.Shadowing.insert(PassedOver.begin(), PassedOver.end());
        return;
      }
      if (!PassOver(It->getName()))
        return;
    }
  }

  void EndOfMainFile() override {
    // The parse skipped include folders that do not exist; once one does,
    // what it holds comes before the folders after it.
    for (const HeaderSearchOptions::Entry &Folder :
         PP.getHeaderSearchInfo().getHeaderSearchOpts().UserEntries) {
      if (Folder.IsFramework || StringRef(Folder.Path).starts_with("="))
        continue;
      std::string Path = absolute(Folder.Path, "");
      if (!llvm::sys::fs::exists(Path))
        Recorder.Shadowing.insert(std::move(Path));
    }
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
  std::string absolute(StringRef Dir, StringRef Name) const {
    SmallString<256> Path(Dir);
    llvm::sys::path::append(Path, Name);
    SM.getFileManager().makeAbsolutePath(Path);
    llvm::sys::path::remove_dots(Path);
    return std::string(Path);
  }

  const SourceManager &SM;
  const Preprocessor &PP;
  FactsRecorder &Recorder;
};

} // namespace

void TenureCheck::registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                                      Preprocessor *ModuleExpanderPP) {
  if (Recorder && !Recorder->RecordingInputs) {
    Recorder->RecordingInputs = true;
    PP->addPPCallbacks(std::make_unique<InputRecorder>(SM, *PP, *Recorder));
  }
}

void TenureCheck::limitToUserCode(ast_matchers::MatchFinder *Finder) {
  if (UserCodeOnly)
    Finder->addMatcher(
        ast_matchers::translationUnitDecl().bind("tenure-user-code"), &Limiter);
}

void TenureCheck::ScopeLimiter::run(
    const ast_matchers::MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  // Once per TU (each check asks), and never over a scope someone else set
  // (clangd limits it to the main file).
  std::vector<Decl *> Scope = Ctx.getTraversalScope();
  if (Scope.size() != 1 || !isa<TranslationUnitDecl>(Scope.front()))
    return;
  std::vector<Decl *> User;
  unsigned Skipped = 0;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    if (analyzer::isInSystemHeader(*D))
      ++Skipped;
    else
      User.push_back(D);
  }
  TopLevelDeclsWalked += User.size();
  SystemTopLevelDeclsSkipped += Skipped;
  // The walk reads the scope when it goes below the TU node, after this
  // match; setting it also drops a parent map built so far.
  if (Skipped)
    Ctx.setTraversalScope(User);
}

bool TenureCheck::skipsSystemHeaders(const ASTContext &Ctx) {
  std::vector<Decl *> Scope = Ctx.getTraversalScope();
  return Scope.size() != 1 || !isa<TranslationUnitDecl>(Scope.front());
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
