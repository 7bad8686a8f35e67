//===- FactsSink.h - Where checks send facts under tenure-analyze -*- C++ -*-===//
//
// In clang-tidy a check sees one TU and reports what that TU shows. Under
// tenure-analyze the whole-program questions are answered after every TU has
// been read, so the driver installs a sink and the checks hand it their facts
// instead of reporting. One process analyses one TU at a time, which is why a
// process-wide sink is enough.
//
// The checks that do report per TU hand a second sink the declaration each
// of their diagnostics is in: clang-tidy's diagnostics carry a file and an
// offset only, and the AST is gone by the time the driver sees them.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_FACTSSINK_H
#define TENURE_ANALYZER_FACTSSINK_H

#include "analyzer/Facts.h"
#include <functional>
#include <string>

namespace tenure::analyzer {

using FactsSink = std::function<void(Facts)>;

/// Installs \p Sink (an empty function removes it).
void setFactsSink(FactsSink Sink);
/// The installed sink, or null under plain clang-tidy.
const FactsSink *factsSink();

/// The declaration a diagnostic is in, keyed the way clang-tidy places the
/// diagnostic: the file as the SourceManager names it and the offset of the
/// diagnostic's file location in it.
struct DiagnosticContext {
  std::string File;
  unsigned Offset = 0;
  std::string Declaration; ///< Qualified name: "ns::Scene::weigh".
};

using ContextSink = std::function<void(DiagnosticContext)>;

/// Installs \p Sink (an empty function removes it).
void setContextSink(ContextSink Sink);
/// The installed sink, or null under plain clang-tidy.
const ContextSink *contextSink();

} // namespace tenure::analyzer

#endif
