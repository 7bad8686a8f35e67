//===- HandleTypes.h - Which types are strong or weak handles ---*- C++ -*-===//
//
// Handles are recognised by configured template names, never by duck typing a
// retain/release pair: "::tenure::Ref;::std::shared_ptr" are strong by
// default, "::tenure::Weak;::std::weak_ptr" weak. The same walker tells what a
// field's type holds: through standard and Abseil containers, optional,
// variant, pair/tuple, arrays, unique_ptr and by-value member objects.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_HANDLETYPES_H
#define TENURE_ANALYZER_HANDLETYPES_H

#include "clang/AST/Type.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang {
class CXXRecordDecl;
class ASTContext;
} // namespace clang

namespace tenure::analyzer {

inline constexpr llvm::StringLiteral DefaultStrongHandles =
    "::tenure::Ref;::std::shared_ptr";
inline constexpr llvm::StringLiteral DefaultWeakHandles =
    "::tenure::Weak;::std::weak_ptr";

/// What a field, capture or value holds, as seen by the ownership graph.
enum class HoldKind {
  Strong,   ///< A strong handle to Target.
  Member,   ///< Target is owned by value (a member object, unique_ptr).
  Callback, ///< A callable (std::function...): holds whatever is stored in it.
};

struct Held {
  HoldKind Kind;
  const clang::CXXRecordDecl *Target = nullptr; ///< Null for Callback.
  bool InContainer = false; ///< Reached through a container or wrapper.
};

class HandleTypes {
public:
  /// \p Strong and \p Weak are ';'-separated qualified template names, as in
  /// the StrongHandles / WeakHandles options. Leading "::" is optional.
  HandleTypes(llvm::StringRef Strong, llvm::StringRef Weak);

  /// The pointee record when \p T (sugar looked through) is a strong handle.
  const clang::CXXRecordDecl *strongTarget(clang::QualType T) const;
  bool isStrong(clang::QualType T) const { return strongTarget(T); }
  bool isWeak(clang::QualType T) const;
  /// True when \p T is a strong handle whatever it points to: a copy of a
  /// handle to an int costs as much as one to a class.
  bool isStrongHandle(clang::QualType T) const;

  /// Everything \p T holds, for the ownership graph.
  std::vector<Held> held(clang::QualType T) const;

  /// The weak handle name paired with strong handle \p StrongName (by
  /// position in the option lists), or "" when there is none.
  llvm::StringRef weakPartner(llvm::StringRef StrongName) const;

  /// Qualified name of \p T's class template (or class), without "::" prefix.
  static std::string templateName(clang::QualType T);

private:
  void collect(clang::QualType T, bool InContainer, std::vector<Held> &Out,
               unsigned Depth) const;

  std::vector<std::string> Strong;
  std::vector<std::string> Weak;
};

/// A stable name for a record across translation units: the qualified name
/// with template arguments; records in anonymous namespaces or functions get
/// their file appended, since two TUs may define different ones.
std::string recordName(const clang::CXXRecordDecl *RD);

/// True for records of the standard library, Abseil and compiler internals,
/// which are never nodes of the ownership graph.
bool isLibraryRecord(const clang::CXXRecordDecl *RD);

} // namespace tenure::analyzer

#endif
