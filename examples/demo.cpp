// What `make demo` shows until the analyzer lands: a document whose sections
// point back at it, a cycle that reference counting alone never frees, and
// the cycle collector finding and freeing it.
#include <tenure/tenure.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace {

int g_alive = 0;  // documents and sections not yet destroyed

class Document;

class Section : public tenure::Object {
 public:
  explicit Section(std::string title) : title(std::move(title)) { ++g_alive; }
  ~Section() override { --g_alive; }
  void trace(tenure::Tracer& t) override { t("document", document); }

  std::string title;
  // The planted bug: a strong back-pointer. tenure::Weak<Document> is the fix.
  tenure::Ref<Document> document;
};

class Document : public tenure::Object {
 public:
  Document() { ++g_alive; }
  ~Document() override { --g_alive; }
  void trace(tenure::Tracer& t) override { t("sections", sections); }

  void add(const std::string& title) {
    tenure::Ref<Section> section = tenure::make<Section>(title);
    section->document = tenure::Ref<Document>::from_this(this);  // closes it
    sections.push_back(std::move(section));
  }

  std::vector<tenure::Ref<Section>> sections;
};

}  // namespace

int main() {
  tenure::gc::disable();  // collect only when the demo says so
  tenure::Weak<Document> watch;
  {
    tenure::Ref<Document> doc = tenure::make<Document>();
    for (const char* title : {"Intro", "Design", "Results"}) doc->add(title);
    watch = doc;
    std::printf("built a document with %zu sections; each section holds a "
                "strong Ref back to the document (%u handles to it)\n",
                doc->sections.size(), doc.use_count());
  }
  std::printf("dropped the last outside handle: %d objects still alive, "
              "weak handle expired: %s\n",
              g_alive, watch.expired() ? "yes" : "no");
  std::printf("  -> reference counting alone cannot free a cycle "
              "(Document -sections-> Section -document-> Document)\n");

  std::size_t found = tenure::gc::collect();
  std::printf("tenure::gc::collect() found %zu unreachable objects; alive "
              "now: %d, weak handle expired: %s\n",
              found, g_alive, watch.expired() ? "yes" : "no");
  if (found != 4 || g_alive != 0 || !watch.expired()) {
    std::printf("demo: unexpected result\n");
    return 1;
  }
  std::printf("  -> fix: make Section::document a tenure::Weak<Document>\n");
  return 0;
}
