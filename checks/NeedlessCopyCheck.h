//===- NeedlessCopyCheck.h - tenure-needless-copy ---------------*- C++ -*-===//

#ifndef TENURE_CHECKS_NEEDLESSCOPYCHECK_H
#define TENURE_CHECKS_NEEDLESSCOPYCHECK_H

#include "checks/TenureCheck.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include <vector>

namespace tenure::checks {

/// Finds copies of strong handles that cost a count increment and decrement
/// for nothing: by-value parameters that are only read, range-for copies
/// (also returned on one path or stored again), copy-initialised locals that
/// are only read while nothing could drop the original, handles made from
/// `this` only to call through, and handles captured by copy into lambdas
/// that never escape. A by-value parameter or a local copied once into
/// storage at its last use, and a handle copied out of an element that the
/// next statement destroys, are offered a `std::move`.
///
/// Stays quiet where the copy is the point: it is moved, returned or
/// captured by an escaping lambda, or it is a keep-alive (the callee can
/// drop the caller's handle, or a call can release a local's original); and
/// in overrides and other virtual functions, members of templates with
/// dependent bases, coroutines, macros and functions whose address is taken.
class NeedlessCopyCheck : public TenureCheck {
public:
  NeedlessCopyCheck(llvm::StringRef Name,
                    clang::tidy::ClangTidyContext *Context);
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  void checkParameters(const clang::FunctionDecl &Fn, clang::ASTContext &Ctx);
  void checkRangeFor(const clang::CXXForRangeStmt &Loop,
                     clang::ASTContext &Ctx);
  void checkLocal(const clang::VarDecl &Var, const clang::Stmt &Scope,
                  clang::ASTContext &Ctx);
  void checkLambda(const clang::LambdaExpr &Lambda, clang::ASTContext &Ctx);
  void checkBlock(const clang::CompoundStmt &Block, clang::ASTContext &Ctx);
  bool checkMoveAtLastUse(const clang::VarDecl &Var, const clang::Stmt &Scope,
                          clang::ASTContext &Ctx);
  const clang::Expr *copiedFrom(const clang::Stmt *S) const;

  /// A by-value parameter to report once the whole TU is seen: only then is
  /// it known whether the function's address is taken.
  struct Candidate {
    const clang::FunctionDecl *Fn;
    unsigned Param;
    const clang::DeclRefExpr *MoveAt; ///< The store to move into, or null.
  };
  std::vector<Candidate> Candidates;
  llvm::DenseSet<const clang::FunctionDecl *> AddressTaken;
  /// Direct calls by callee: where a by-value parameter's copies are made.
  llvm::DenseMap<const clang::FunctionDecl *,
                 std::vector<const clang::CallExpr *>>
      Calls;
  void addSystemHeaderUses(clang::ASTContext &Ctx);
  void noteCopyingCalls(const Candidate &C);
  bool isKeepAlive(const Candidate &C);
};

} // namespace tenure::checks

#endif
