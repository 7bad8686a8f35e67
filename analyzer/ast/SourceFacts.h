//===- SourceFacts.h - AST positions and names as plain facts ---*- C++ -*-===//

#ifndef TENURE_ANALYZER_SOURCEFACTS_H
#define TENURE_ANALYZER_SOURCEFACTS_H

#include "analyzer/model/Facts.h"
#include "clang/Basic/SourceLocation.h"
#include <string>

namespace clang {
class Decl;
class FunctionDecl;
class SourceManager;
} // namespace clang

namespace tenure::analyzer {

/// Where \p L expands, by the file's real path, so the same header seen
/// from two TUs gives the same location.
Location locationOf(const clang::SourceManager &SM, clang::SourceLocation L);

/// A key for a function that is the same in every TU (its USR).
std::string functionKey(const clang::FunctionDecl *FD);

/// The qualified name of the declaration \p D is in, for reports: the
/// function (a lambda counts as the function that holds it), else the named
/// record, else the namespace-scope variable; "" at file scope. \p D itself
/// counts when it is one of those. No line numbers and no parameter types,
/// so the name survives edits that move or re-sign the code.
std::string enclosingDeclaration(const clang::Decl &D);

/// Whether \p D is declared in a system header (where it expands, so a
/// declaration a system macro makes in user code is user code). Nothing
/// there becomes a fact or a finding: clang-tidy drops diagnostics in
/// system headers unless its SystemHeaders option is on.
bool isInSystemHeader(const clang::Decl &D);

} // namespace tenure::analyzer

#endif
