//===- FactCollector.h - Ownership facts of one AST -------------*- C++ -*-===//

#ifndef TENURE_ANALYZER_FACTCOLLECTOR_H
#define TENURE_ANALYZER_FACTCOLLECTOR_H

#include "analyzer/model/Facts.h"
#include "analyzer/ast/HandleTypes.h"

namespace clang {
class ASTContext;
} // namespace clang

namespace tenure::analyzer {

/// Walks a whole translation unit (system headers skipped) and returns its
/// ownership facts.
Facts collectFacts(clang::ASTContext &Ctx, const HandleTypes &Handles);

} // namespace tenure::analyzer

#endif
