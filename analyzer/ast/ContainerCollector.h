//===- ContainerCollector.h - Containers, their uses, their owners -*- C++
//-*-===//
//
// The collection half of tenure-unbounded-cache: which containers a TU
// declares (level by level when they nest), where code inserts into,
// erases from, clears or hands them away, and who owns them: a static, a
// class, or the closure a function returns. The judgement is made on these
// facts, without Clang, by findUnboundedCaches (analyzer/model/CacheFinder.h).
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_AST_CONTAINERCOLLECTOR_H
#define TENURE_ANALYZER_AST_CONTAINERCOLLECTOR_H

#include "analyzer/ast/HandleTypes.h"
#include "analyzer/model/Facts.h"
#include "llvm/Support/Regex.h"

namespace clang {
class ASTContext;
} // namespace clang

namespace tenure::analyzer {

/// A word of the name, not a substring: `cache_`, `pageCache`, `memos`,
/// `m_registry`, but not `memory_`.
inline constexpr llvm::StringLiteral DefaultCacheNamePattern =
    "([Cc]ache|[Mm]emo|[Rr]egistry|[Ii]ntern|[Pp]ool|[Ll]ookup)s?([A-Z_0-9]|$)";

/// Containers, their uses and their owners in one TU (system headers
/// skipped).
Facts collectContainerFacts(clang::ASTContext &Ctx, const HandleTypes &Handles,
                            const llvm::Regex &CacheName);

} // namespace tenure::analyzer

#endif
