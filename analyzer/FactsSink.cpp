//===- FactsSink.cpp ------------------------------------------------------===//

#include "analyzer/FactsSink.h"

namespace tenure::analyzer {
namespace {
FactsSink &installedSink() {
  static FactsSink Sink;
  return Sink;
}

ContextSink &installedContextSink() {
  static ContextSink Sink;
  return Sink;
}
} // namespace

void setFactsSink(FactsSink Sink) { installedSink() = std::move(Sink); }

const FactsSink *factsSink() {
  return installedSink() ? &installedSink() : nullptr;
}

void setContextSink(ContextSink Sink) {
  installedContextSink() = std::move(Sink);
}

const ContextSink *contextSink() {
  return installedContextSink() ? &installedContextSink() : nullptr;
}

} // namespace tenure::analyzer
