//===- ContainerCollector.h - Long-lived containers and their uses -*- C++ -*-===//
//
// The facts behind tenure-unbounded-cache: which long-lived containers a TU
// declares, where code inserts into them, and where it shrinks them. Like
// the ownership facts they merge across TUs, so an erase written in another
// .cpp of the same class counts.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_AST_CONTAINERCOLLECTOR_H
#define TENURE_ANALYZER_AST_CONTAINERCOLLECTOR_H

#include "analyzer/model/Facts.h"
#include "analyzer/ast/HandleTypes.h"
#include "llvm/Support/Regex.h"

namespace clang {
class ASTContext;
} // namespace clang

namespace tenure::analyzer {

/// A word of the name, not a substring: `cache_`, `pageCache`, `memos`,
/// `m_registry`, but not `memory_`.
inline constexpr llvm::StringLiteral DefaultCacheNamePattern =
    "([Cc]ache|[Mm]emo|[Rr]egistry|[Ii]ntern|[Pp]ool|[Ll]ookup)s?([A-Z_0-9]|$)";

/// Containers and their uses in one TU (system headers skipped).
Facts collectContainerFacts(clang::ASTContext &Ctx, const HandleTypes &Handles,
                            const llvm::Regex &CacheName);

} // namespace tenure::analyzer

#endif
