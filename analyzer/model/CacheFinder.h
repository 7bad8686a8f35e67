//===- CacheFinder.h - Containers that only grow ----------------*- C++ -*-===//
//
// The judgement behind tenure-unbounded-cache, on facts alone: a long-lived
// container that code inserts into and never shrinks or bounds. The facts
// come from the collector (analyzer/ast/ContainerCollector.h), of one TU or
// merged across TUs.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_MODEL_CACHEFINDER_H
#define TENURE_ANALYZER_MODEL_CACHEFINDER_H

#include "analyzer/model/Facts.h"
#include "analyzer/model/Finding.h"
#include <string>
#include <vector>

namespace tenure::analyzer {

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
