//===- FactsSink.cpp ------------------------------------------------------===//

#include "analyzer/FactsSink.h"

namespace tenure::analyzer {
namespace {
FactsSink &installedSink() {
  static FactsSink Sink;
  return Sink;
}
} // namespace

void setFactsSink(FactsSink Sink) { installedSink() = std::move(Sink); }

const FactsSink *factsSink() {
  return installedSink() ? &installedSink() : nullptr;
}

} // namespace tenure::analyzer
