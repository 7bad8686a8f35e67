// collab-editor: a scripted editing session on the demo library. Two users
// edit a shared document, a reader renders it, a feed announces the changes.
// It works, and it leaks: see what `make demo` finds in it.
#include <cstdio>
#include <string>

#include "collab/change_feed.h"
#include "collab/document.h"
#include "collab/renderer.h"
#include "collab/session.h"

int main() {
  using collab::Edit;

  auto feed = std::make_shared<collab::ChangeFeed>();
  auto announcer = feed->subscribe([](const std::string& change) {
    std::printf("  feed: %s\n", change.c_str());
  });

  tenure::Ref<collab::Document> doc =
      tenure::make<collab::Document>("Design notes");
  doc->add_section("Goals", "find retention bugs and prove them");
  doc->add_section("Plan", "static checks first then runtime evidence");

  tenure::Ref<collab::Session> ada = tenure::make<collab::Session>("ada", doc);
  tenure::Ref<collab::Session> bob = tenure::make<collab::Session>("bob", doc);
  ada->start();
  bob->start();
  ada->deliver(Edit{"Plan", "static checks then runtime evidence then a demo"});
  feed->publish("ada edited Plan");
  bob->deliver(Edit{"Risks", "false positives in generated code"});
  feed->publish("bob added Risks");

  std::printf("%s (%zu words)\n%s", doc->name().c_str(), doc->word_count(),
              doc->outline().c_str());
  for (const tenure::Ref<collab::Section>& section : doc->sections()) {
    std::fputs(collab::Renderer::shared().render(*section)->html().c_str(),
               stdout);
  }

  std::size_t collected = tenure::gc::collect();
  std::printf(
      "after the edits: tenure::gc::collect() freed %zu objects; the "
      "sessions still hold the document through their callbacks\n",
      collected);
  return 0;
}
