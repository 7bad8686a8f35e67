// A shared document: an ordered list of titled sections of text.
//
// This is demo code with a retention bug planted on purpose (see the README,
// "The demo"): every section holds a strong handle back to its document, so
// a document and its sections form a cycle that reference counting never
// frees. The fix is one word: make Section::document a tenure::Weak.
#pragma once

#include <tenure/tenure.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace collab {

class Document;

class Section : public tenure::Object {
 public:
  Section(std::string title, std::string text);

  // "Document name > Section title", for breadcrumbs and search results.
  std::string heading() const;
  std::size_t word_count() const;

  void trace(tenure::Tracer& t) override { t("document", document); }

  std::string title;
  std::string text;
  // The planted bug: a strong back-pointer, set by Document::add_section.
  tenure::Ref<Document> document;
};

class Document : public tenure::Object {
 public:
  explicit Document(std::string name);

  const std::string& name() const { return name_; }

  // Appends a section and makes this document its owner.
  tenure::Ref<Section> add_section(std::string title, std::string text);
  // The section with this title, or null.
  tenure::Ref<Section> find(std::string_view title) const;
  // The sections whose text contains `word` as a whole word.
  std::vector<tenure::Ref<Section>> search(std::string_view word) const;

  // Recomputed for the status bar after every edit.
  std::size_t word_count() const;
  // One line per section: its title and word count.
  std::string outline() const;

  void trace(tenure::Tracer& t) override { t("sections", sections); }

  std::vector<tenure::Ref<Section>> sections;  // in reading order

 private:
  std::string name_;
};

}  // namespace collab
