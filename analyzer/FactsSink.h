//===- FactsSink.h - Where checks send facts under tenure-analyze -*- C++ -*-===//
//
// In clang-tidy a check sees one TU and reports what that TU shows. Under
// tenure-analyze the whole-program questions are answered after every TU has
// been read, so the driver installs a sink and the checks hand it their facts
// instead of reporting. One process analyses one TU at a time, which is why a
// process-wide sink is enough.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_FACTSSINK_H
#define TENURE_ANALYZER_FACTSSINK_H

#include "analyzer/Facts.h"
#include <functional>

namespace tenure::analyzer {

using FactsSink = std::function<void(Facts)>;

/// Installs \p Sink (an empty function removes it).
void setFactsSink(FactsSink Sink);
/// The installed sink, or null under plain clang-tidy.
const FactsSink *factsSink();

} // namespace tenure::analyzer

#endif
