//===- ContainerFacts.h - Long-lived containers and their growth -*- C++ -*-===//
//
// The facts behind tenure-unbounded-cache: which long-lived containers a TU
// declares, where code inserts into them, and where it shrinks them. Like
// the ownership facts they merge across TUs, so an erase written in another
// .cpp of the same class counts.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_CONTAINERFACTS_H
#define TENURE_ANALYZER_CONTAINERFACTS_H

#include "analyzer/CycleFinder.h"
#include "analyzer/Facts.h"
#include "analyzer/HandleTypes.h"
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

struct CacheFinding {
  Location Loc; ///< The first unbounded insertion.
  std::string Message;
  std::vector<Note> Notes;
  std::string Key; ///< The container.
  std::vector<std::string> HeldTypes; ///< Records it holds strongly.
};

/// Containers that code grows and never shrinks or bounds, among those whose
/// every shrinking place these facts cover: a local container; a class's
/// container once all its member functions were read; a public member or an
/// external variable only with \p WholeProgram (tenure-analyze), since any
/// other TU could erase from it.
std::vector<CacheFinding> findUnboundedCaches(const Facts &F,
                                              bool WholeProgram);

} // namespace tenure::analyzer

#endif
