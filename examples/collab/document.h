// A shared document: an ordered list of titled sections of text.
//
// Demo code with a retention bug planted on purpose (see the README, "The
// demo"): every section holds a strong handle back to its document, so a
// document and its sections form a cycle that reference counting never
// frees. The fix is one word: make Section::document_ a tenure::Weak.
#pragma once

#include <tenure/tenure.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace collab {

class Document;

class Section : public tenure::Object {
 public:
  Section(std::string title, std::string text);

  const std::string& title() const { return title_; }
  const std::string& text() const { return text_; }
  void set_text(std::string text) { text_ = std::move(text); }
  std::size_t word_count() const;

  const tenure::Ref<Document>& document() const { return document_; }
  void set_document(tenure::Ref<Document> document) {
    document_ = std::move(document);
  }
  // "Document name > Section title", for breadcrumbs and search results.
  std::string heading() const;

  void trace(tenure::Tracer& t) override { t("document", document_); }

 private:
  std::string title_;
  std::string text_;
  tenure::Ref<Document> document_;  // the planted bug: a strong back-pointer
};

class Document : public tenure::Object {
 public:
  explicit Document(std::string name);

  const std::string& name() const { return name_; }
  // In reading order.
  const std::vector<tenure::Ref<Section>>& sections() const {
    return sections_;
  }

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

  void trace(tenure::Tracer& t) override { t("sections", sections_); }

 private:
  std::string name_;
  std::vector<tenure::Ref<Section>> sections_;
};

}  // namespace collab
