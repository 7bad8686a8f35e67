// The demo library's tests. They check what the code does, and, linked with
// tenure::testing_main, they also record what it leaked: the tests that
// build a document fail on the leaked Document/Section cycles, by design.
// With TENURE_EVIDENCE=<file> the run writes the evidence tenure-analyze
// reads (`make demo` does this).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collab/change_feed.h"
#include "collab/document.h"
#include "collab/renderer.h"
#include "collab/session.h"

namespace collab {
namespace {

tenure::Ref<Document> design_notes() {
  tenure::Ref<Document> doc = tenure::make<Document>("Design notes");
  doc->add_section("Goals", "find retention bugs and prove them");
  doc->add_section("Plan", "static checks first then runtime evidence");
  doc->add_section("Risks", "false positives");
  return doc;
}

TEST(DocumentTest, SectionsKnowTheirDocument) {
  tenure::Ref<Document> doc = design_notes();
  ASSERT_EQ(doc->sections().size(), 3u);
  EXPECT_EQ(doc->sections()[1]->heading(), "Design notes > Plan");
  EXPECT_EQ(doc->find("Risks"), doc->sections()[2]);
  EXPECT_EQ(doc->find("Budget"), nullptr);
}

TEST(DocumentTest, OutlineCountsWords) {
  tenure::Ref<Document> doc = design_notes();
  EXPECT_EQ(doc->outline(),
            "Goals (6 words)\nPlan (6 words)\nRisks (2 words)\n");
  EXPECT_EQ(doc->word_count(), 14u);
}

TEST(DocumentTest, SearchMatchesWholeWords) {
  tenure::Ref<Document> doc = design_notes();
  std::vector<tenure::Ref<Section>> hits = doc->search("evidence");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->title(), "Plan");
  EXPECT_TRUE(doc->search("evid").empty());
}

TEST(SessionTest, EditsReachTheDocument) {
  tenure::Ref<Document> doc = design_notes();
  tenure::Ref<Session> session = tenure::make<Session>("ada", doc);
  session->deliver(Edit{"Goals", "dropped before start"});
  EXPECT_EQ(session->edits_applied(), 0u);

  session->start();
  session->deliver(Edit{"Goals", "prove them"});
  session->deliver(Edit{"Budget", "none yet"});
  EXPECT_EQ(session->edits_applied(), 2u);
  EXPECT_EQ(doc->find("Goals")->text(), "prove them");
  ASSERT_EQ(doc->sections().size(), 4u);
  EXPECT_EQ(doc->sections()[3]->title(), "Budget");
  EXPECT_EQ(session->word_count(), 12u);
}

// A user typing: the status bar's word count is recomputed after every
// keystroke, which is where the handle copies add up.
TEST(SessionTest, TypingUpdatesTheWordCount) {
  tenure::Ref<Document> doc = design_notes();
  tenure::Ref<Session> session = tenure::make<Session>("bob", doc);
  session->start();
  std::string typed;
  for (int i = 0; i < 200; ++i) {
    typed += "word ";
    session->deliver(Edit{"Risks", typed});
  }
  EXPECT_EQ(session->edits_applied(), 200u);
  EXPECT_EQ(session->word_count(), 6u + 6u + 200u);
}

TEST(RendererTest, RendersEachTextOnce) {
  tenure::Ref<Document> doc = design_notes();
  Renderer& renderer = Renderer::shared();
  std::size_t before = renderer.renders();
  tenure::Ref<RenderedSection> first = renderer.render(*doc->sections()[0]);
  EXPECT_EQ(first->html(),
            "<h2>Goals</h2>\n<p>find retention bugs and prove them</p>\n");
  EXPECT_EQ(renderer.render(*doc->sections()[0]), first);
  EXPECT_EQ(renderer.renders(), before + 1);
}

TEST(RendererTest, EscapesMarkup) {
  tenure::Ref<Document> doc = tenure::make<Document>("Notes");
  tenure::Ref<Section> section = doc->add_section("a < b", "\"x\" & y");
  EXPECT_EQ(Renderer::shared().render(*section)->html(),
            "<h2>a &lt; b</h2>\n<p>&quot;x&quot; &amp; y</p>\n");
}

// Every revision of a section is rendered for the readers following along.
TEST(RendererTest, FollowsEveryRevision) {
  tenure::Ref<Document> doc = design_notes();
  tenure::Ref<Section> plan = doc->find("Plan");
  Renderer& renderer = Renderer::shared();
  std::size_t before = renderer.renders();
  for (int revision = 1; revision <= 50; ++revision) {
    plan->set_text("revision " + std::to_string(revision));
    EXPECT_NE(renderer.render(*plan)->html().find(plan->text()),
              std::string::npos);
  }
  EXPECT_EQ(renderer.renders(), before + 50);
}

TEST(ChangeFeedTest, SubscribersSeeChangesUntilCancelled) {
  auto feed = std::make_shared<ChangeFeed>();
  std::vector<std::string> seen;
  std::shared_ptr<Subscriber> subscriber = feed->subscribe(
      [&seen](const std::string& change) { seen.push_back(change); });
  feed->publish("ada edited Plan");
  EXPECT_EQ(feed->subscriber_count(), 1u);
  subscriber->cancel();
  feed->publish("bob edited Risks");
  EXPECT_EQ(seen, std::vector<std::string>{"ada edited Plan"});
  EXPECT_EQ(feed->subscriber_count(), 0u);
}

TEST(ChangeFeedTest, EverySubscriberIsNotified) {
  auto feed = std::make_shared<ChangeFeed>();
  int notified = 0;
  auto first = feed->subscribe([&notified](const std::string&) { ++notified; });
  auto second =
      feed->subscribe([&notified](const std::string&) { ++notified; });
  feed->publish("ada added Budget");
  EXPECT_EQ(notified, 2);
}

}  // namespace
}  // namespace collab
