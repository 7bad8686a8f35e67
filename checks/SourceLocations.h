//===- SourceLocations.h - Facts' locations back in a SourceManager -*- C++ -*-===//
//
// Checks that report from facts (file:line:col, offsets) turn them back into
// the locations and fix-its clang-tidy needs; checks that report from the AST
// tell tenure-analyze which declaration each diagnostic is in.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_CHECKS_SOURCELOCATIONS_H
#define TENURE_CHECKS_SOURCELOCATIONS_H

#include "analyzer/Facts.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include <optional>

namespace clang {
class Decl;
} // namespace clang

namespace tenure::checks {

/// An invalid location when the file is not part of this TU.
clang::SourceLocation toSourceLocation(clang::SourceManager &SM,
                                       const analyzer::Location &L);

std::optional<clang::FixItHint> toFixIt(clang::SourceManager &SM,
                                        const analyzer::Replacement &R);

/// Under tenure-analyze (a context sink installed), hands the driver the
/// declaration \p In that the diagnostic reported at \p Loc is in; does
/// nothing under plain clang-tidy. Call it next to diag(Loc, ...).
void reportDiagnosticContext(const clang::SourceManager &SM,
                             clang::SourceLocation Loc, const clang::Decl &In);

} // namespace tenure::checks

#endif
