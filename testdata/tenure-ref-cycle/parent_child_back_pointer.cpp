// A parent owns its children; each child points back to its parent with a
// strong handle, set by the parent itself. The classic back-pointer cycle.
#include <tenure/tenure.h>
#include <vector>

struct Document;

struct Section : tenure::Object {
  tenure::Ref<Document> document;
  // CHECK-FIXES: tenure::Weak<Document> document;
  int words = 0;
  void trace(tenure::Tracer &t) override { t(document); }
};

struct Document : tenure::Object {
  std::vector<tenure::Ref<Section>> sections;

  void add(tenure::Ref<Section> section) {
    section->document = tenure::Ref<Document>::from_this(this);
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: strong reference cycle Section -document-> Document -sections-> Section closed here: its objects are never freed by reference counting; make 'Section::document' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :9:25: note: 'Section::document' holds a strong handle to 'Document'
    // CHECK-MESSAGES: :16:37: note: 'Document::sections' holds strong handles to 'Section' in a 'std::vector<tenure::Ref<Section>>'
    sections.push_back(std::move(section));
  }
  void trace(tenure::Tracer &t) override { t(sections); }
};

int count_words(const tenure::Ref<Section> &s) {
  if (s->document)
  // CHECK-FIXES: if (s->document.lock())
    return s->words;
  return 0;
}
