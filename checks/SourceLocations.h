//===- SourceLocations.h - Facts' locations back in a SourceManager -*- C++
//-*-===//
//
// Checks that report from facts (file:line:col, offsets) turn them back into
// the locations and fix-its clang-tidy needs.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_CHECKS_SOURCELOCATIONS_H
#define TENURE_CHECKS_SOURCELOCATIONS_H

#include "analyzer/model/Facts.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include <optional>

namespace tenure::checks {

/// An invalid location when the file is not part of this TU.
clang::SourceLocation toSourceLocation(clang::SourceManager &SM,
                                       const analyzer::Location &L);

std::optional<clang::FixItHint> toFixIt(clang::SourceManager &SM,
                                        const analyzer::Replacement &R);

} // namespace tenure::checks

#endif
