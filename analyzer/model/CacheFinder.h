//===- CacheFinder.h - Containers that only grow, judged on facts -*- C++
//-*-===//
//
// The judging half of tenure-unbounded-cache. Clang-free: it reads the
// container, use, lifetime and closure facts of one TU or of a whole
// program and decides, level by level, which containers grow for the life
// of their owner. The rule is written out in
// docs/checks/tenure-unbounded-cache.md.
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
  std::string Key;                    ///< The container level, as shown.
  std::vector<std::string> HeldTypes; ///< Records it holds strongly.
};

/// Container levels that live long or are used as caches, that code grows
/// and that nothing shrinks or bounds on the way a running program goes,
/// among those whose every shrinking place these facts cover: a local
/// container or a closure's; a class's container once all its member
/// functions were read; a public member or an external variable only with
/// \p WholeProgram (tenure-analyze), since any other TU could erase from it.
std::vector<CacheFinding> findUnboundedCaches(const Facts &F,
                                              bool WholeProgram);

} // namespace tenure::analyzer

#endif
