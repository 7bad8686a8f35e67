//===- TenureCheck.h - What the tenure checks share -------------*- C++ -*-===//
//
// The checks run under two front ends. Under clang-tidy each reports what its
// TU shows. Under tenure-analyze a worker runs them over one TU in "facts
// mode": the whole-program checks hand their facts to the driver instead of
// judging one TU, and every diagnostic's enclosing declaration is recorded
// (clang-tidy's diagnostics carry a file and an offset only, and the AST is
// gone by the time the driver makes baseline keys of them). The mode belongs
// to the ClangTidyContext the driver runs the checks with, not to the
// process: the driver attaches a FactsRecorder to it.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_CHECKS_TENURECHECK_H
#define TENURE_CHECKS_TENURECHECK_H

#include "analyzer/ast/HandleTypes.h"
#include "analyzer/model/Facts.h"
#include "analyzer/model/Finding.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/Support/Timer.h"
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tenure::checks {

/// What the checks learn of one TU in tenure-analyze's facts mode. Attached
/// to a ClangTidyContext for the recorder's lifetime.
class FactsRecorder {
public:
  explicit FactsRecorder(const clang::tidy::ClangTidyContext &Context);
  ~FactsRecorder();
  FactsRecorder(const FactsRecorder &) = delete;
  FactsRecorder &operator=(const FactsRecorder &) = delete;

  /// The recorder attached to \p Context, or null (plain clang-tidy).
  static FactsRecorder *
  attachedTo(const clang::tidy::ClangTidyContext *Context);

  /// The whole-program checks' facts, one entry per check and TU.
  std::vector<analyzer::Facts> Facts;
  /// The declaration each diagnostic is in ("ns::Scene::weigh"), keyed the
  /// way clang-tidy places the diagnostic: the file as the SourceManager
  /// names it and the offset of the diagnostic's file location in it.
  std::map<std::pair<std::string, unsigned>, std::string> Contexts;
  /// Every file the parse read, absolute, with its content hash (what a
  /// cached result depends on).
  std::map<std::string, std::string> Inputs;
  /// Files an #include looked for before the one it found, and include
  /// folders that do not exist, absolute: if one of them appears, the same
  /// parse may read something else.
  std::set<std::string> Shadowing;
  /// Whether a check already listens to this TU's preprocessor for the
  /// two sets above (each check is offered it; one listener is enough).
  bool RecordingInputs = false;
  /// When the checks' AST pass began: the end of the parse (--timings).
  std::optional<llvm::TimeRecord> AnalysisStart;

private:
  const clang::tidy::ClangTidyContext &Context;
};

/// The option naming a check's strong handles.
struct StrongHandlesOption {
  llvm::StringLiteral Name = "StrongHandles";
  llvm::StringLiteral Default = analyzer::DefaultStrongHandles;
  /// Read as `<check>.<Name>` or, failing that, as a global option.
  bool Global = true;
};

/// The base of the tenure checks: the handle options parsed once, findings
/// emitted with their context recorded, facts handed to the driver.
class TenureCheck : public clang::tidy::ClangTidyCheck {
public:
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void onStartOfTranslationUnit() override;
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }

  /// Whether the checks' walk of this TU was kept out of the top-level
  /// declarations of system headers (see limitToUserCode).
  static bool skipsSystemHeaders(const clang::ASTContext &Ctx);

protected:
  TenureCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
              StrongHandlesOption Strong = {});

  /// Called first in each check's registerMatchers: keeps the one walk the
  /// checks share (clang-tidy's MatchFinder), and the parent map that
  /// `hasParent` and `getParents` build, out of the top-level declarations
  /// of system headers. Their diagnostics would be dropped, and facts are
  /// never made of them; what a check needs from there it asks the AST for
  /// itself. Not done when clang-tidy reports in system headers
  /// (SystemHeaders) or runs checks other than tenure's, whose matchers
  /// may look there.
  void limitToUserCode(clang::ast_matchers::MatchFinder *Finder);

  const analyzer::HandleTypes &handles() const { return Handles; }

  /// tenure-analyze's facts mode, or null under clang-tidy.
  FactsRecorder *recorder() const { return Recorder; }

  /// A diagnostic at \p Loc, inside declaration \p In (which tenure-analyze
  /// records for baselines).
  clang::DiagnosticBuilder
  diagIn(const clang::Decl &In, clang::SourceLocation Loc,
         llvm::StringRef Description,
         clang::DiagnosticIDs::Level Level = clang::DiagnosticIDs::Warning);

  /// Reports a finding the model made from facts (locations as
  /// file:line:col) with a note per entry of \p Notes; places outside this
  /// TU are skipped.
  void reportFromFacts(clang::SourceManager &SM, const analyzer::Location &At,
                       llvm::StringRef Message,
                       llvm::ArrayRef<analyzer::Note> Notes,
                       llvm::ArrayRef<analyzer::Replacement> Fix = {});

private:
  /// Sets the traversal scope when the TU node is matched, before the walk
  /// goes below it.
  class ScopeLimiter : public clang::ast_matchers::MatchFinder::MatchCallback {
  public:
    explicit ScopeLimiter(llvm::StringRef ID) : ID(ID) {}
    void
    run(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
    llvm::StringRef getID() const override { return ID; }

  private:
    llvm::StringRef ID; ///< The check's: its time counts as the check's.
  };

  ScopeLimiter Limiter;
  const bool UserCodeOnly;
  const StrongHandlesOption Strong;
  const std::string StrongHandles;
  const std::string WeakHandles;
  const analyzer::HandleTypes Handles;
  FactsRecorder *const Recorder;
};

} // namespace tenure::checks

#endif
