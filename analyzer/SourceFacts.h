//===- SourceFacts.h - AST positions and names as plain facts ---*- C++ -*-===//

#ifndef TENURE_ANALYZER_SOURCEFACTS_H
#define TENURE_ANALYZER_SOURCEFACTS_H

#include "analyzer/Facts.h"
#include "clang/Basic/SourceLocation.h"
#include <string>

namespace clang {
class FunctionDecl;
class SourceManager;
} // namespace clang

namespace tenure::analyzer {

/// Where \p L expands, by the file's real path, so the same header seen
/// from two TUs gives the same location.
Location locationOf(const clang::SourceManager &SM, clang::SourceLocation L);

/// A key for a function that is the same in every TU (its USR).
std::string functionKey(const clang::FunctionDecl *FD);

} // namespace tenure::analyzer

#endif
