// A user's test binary linked with tenure::testing_main: one test leaks a
// cycle, one grows a cache, one is clean. Run by ctest with output and
// evidence-file checks (tests/testing/evidence_run.cmake).
#include <gtest/gtest.h>

#include <vector>

#include "tenure/tenure.h"

namespace {

struct Section;
struct Doc : tenure::Object {
  std::vector<tenure::Ref<Section>> sections;
  void trace(tenure::Tracer& t) override { t("sections", sections); }
};
struct Section : tenure::Object {
  tenure::Ref<Doc> doc;
  void trace(tenure::Tracer& t) override { t("doc", doc); }
};

struct Entry : tenure::Object {};
std::vector<tenure::Ref<Entry>>& cache() {
  static auto* entries = new std::vector<tenure::Ref<Entry>>;
  return *entries;
}

TEST(Leaky, LeaksADocCycle) {
  tenure::Ref<Doc> doc = tenure::make<Doc>();
  doc->sections.push_back(tenure::make<Section>());
  doc->sections.back()->doc = doc;  // the back edge should be a Weak
}

TEST(Leaky, GrowsACache) {
  for (int i = 0; i < 10; ++i) cache().push_back(tenure::make<Entry>());
  tenure::Ref<Entry> copy = cache().front();
}

TEST(Leaky, Clean) {
  tenure::Ref<Doc> doc = tenure::make<Doc>();
  doc->sections.push_back(tenure::make<Section>());
}

}  // namespace
