//===- AccessPath.h - What an expression reaches, and from where -*- C++
//-*-===//
//
// The access path of an expression is its root (`this`, a variable, a call,
// or something else) and the links read from that root to reach it: fields,
// dereferences (`*p`, `p->`, `*h`, `h->`) and member calls without arguments
// (`h.get()`, a getter). Wrappers that do not change the object denoted
// (parens, implicit casts, temporaries, copies and conversions of handles,
// std::move/forward) are looked through.
//
// Every question of the form "which variable does this start from", "which
// fields from `this` lead here", "is this the variable itself" is a predicate
// over one path, so all of them agree on what a link is and on one depth.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_AST_ACCESSPATH_H
#define TENURE_ANALYZER_AST_ACCESSPATH_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace clang {
class CallExpr;
class CXXMemberCallExpr;
class CXXMethodDecl;
class Expr;
class FieldDecl;
class MemberExpr;
class VarDecl;
} // namespace clang

namespace tenure::analyzer {

/// A call of the standard function \p Name with one argument (std::move).
bool isStdCall(const clang::CallExpr *Call, llvm::StringRef Name);

/// One layer of wrapping that does not change which object a value denotes
/// (temporaries, copies and conversions of handles, std::move/forward), or
/// null when \p E is not such a wrapper.
const clang::Expr *unwrapOnce(const clang::Expr *E);
/// \p E with every such layer removed.
const clang::Expr *ignoreWrappers(const clang::Expr *E);

/// The field a getter returns by reference: `T& f() { return field_; }`.
const clang::FieldDecl *returnedField(const clang::CXXMethodDecl *Method);

/// One link of a path, read from the outside in.
struct AccessStep {
  enum Kind {
    ReadField,   ///< `base.f`, `base->f`.
    Dereference, ///< `*base`, and `base->` / `*base` on a class (a handle).
    CallGetter,  ///< `base.m()`: a member call without arguments, or a call
                 ///< of a method that returns a field by reference.
  };
  Kind StepKind = ReadField;
  /// Field links; getters that return a field by reference (returnedField).
  const clang::FieldDecl *Field = nullptr;
  /// Field links: the member expression.
  const clang::MemberExpr *Member = nullptr;
  /// Getter links: the call, and the method called (null for a call
  /// through a pointer to member).
  const clang::CXXMemberCallExpr *Call = nullptr;
  const clang::CXXMethodDecl *Method = nullptr;
  /// What the link reads from: the rest of the path.
  const clang::Expr *Base = nullptr;

  /// A link that does not leave the object its base denotes: a dereference
  /// or a `get()` call (`*v`, `v->`, `v.get()`).
  bool staysOnObject() const;
};

enum class AccessRoot {
  This,     ///< `this`.
  Variable, ///< A variable (local, parameter, global, static member).
  Call,     ///< A call that is not a link: arguments, or a free function.
  Other,    ///< Anything else, or a path longer than MaxAccessSteps.
};

struct AccessPath {
  AccessRoot Root = AccessRoot::Other;
  /// The variable, for AccessRoot::Variable.
  const clang::VarDecl *Variable = nullptr;
  /// The links, outermost first: for `v->a.b`, b then a then the deref.
  llvm::SmallVector<AccessStep, 4> Steps;

  /// The variable the path starts from, whatever the links.
  const clang::VarDecl *rootVariable() const {
    return Root == AccessRoot::Variable ? Variable : nullptr;
  }
  /// The fields read from the root, in order from the root: for
  /// `this->owner_->list` {owner_, list}; getters that return a field count
  /// as that field.
  llvm::SmallVector<const clang::FieldDecl *, 4> fieldsFromRoot() const;
};

/// How many links a path may have. Longer paths (generated code, chains
/// of more than about seven handle hops) get AccessRoot::Other, so every
/// question about them answers "unknown".
inline constexpr unsigned MaxAccessSteps = 16;

/// The outermost link of \p E (after its wrappers), or none when \p E is a
/// root.
std::optional<AccessStep> accessStep(const clang::Expr *E);

/// The whole path of \p E.
AccessPath accessPath(const clang::Expr *E);

/// The variable \p E is, with no link between: `v`, `std::move(v)`, `(v)`.
const clang::VarDecl *bareVariable(const clang::Expr *E);

/// `this` itself (after its wrappers).
bool isThis(const clang::Expr *E);

} // namespace tenure::analyzer

#endif
