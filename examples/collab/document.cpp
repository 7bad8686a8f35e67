#include "collab/document.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace collab {
namespace {

bool contains_word(tenure::Ref<Section> section, std::string_view word) {
  for (absl::string_view w :
       absl::StrSplit(section->text(), ' ', absl::SkipEmpty())) {
    if (w == absl::string_view(word.data(), word.size())) return true;
  }
  return false;
}

}  // namespace

Section::Section(std::string title, std::string text)
    : title_(std::move(title)), text_(std::move(text)) {}

std::size_t Section::word_count() const {
  std::vector<absl::string_view> words =
      absl::StrSplit(text_, ' ', absl::SkipEmpty());
  return words.size();
}

std::string Section::heading() const {
  if (!document_) return title_;
  return absl::StrCat(document_->name(), " > ", title_);
}

Document::Document(std::string name) : name_(std::move(name)) {}

tenure::Ref<Section> Document::add_section(std::string title,
                                           std::string text) {
  tenure::Ref<Section> section =
      tenure::make<Section>(std::move(title), std::move(text));
  section->set_document(tenure::Ref<Document>::from_this(this));
  sections_.push_back(section);
  return section;
}

tenure::Ref<Section> Document::find(std::string_view title) const {
  for (const tenure::Ref<Section>& section : sections_) {
    if (section->title() == title) return section;
  }
  return nullptr;
}

std::vector<tenure::Ref<Section>> Document::search(
    std::string_view word) const {
  std::vector<tenure::Ref<Section>> hits;
  for (const tenure::Ref<Section>& section : sections_) {
    if (contains_word(section, word)) hits.push_back(section);
  }
  return hits;
}

std::size_t Document::word_count() const {
  std::size_t words = 0;
  for (tenure::Ref<Section> section : sections_) {
    words += section->word_count();
  }
  return words;
}

std::string Document::outline() const {
  std::string out;
  for (const tenure::Ref<Section>& section : sections_) {
    absl::StrAppend(&out, section->title(), " (", section->word_count(),
                    " words)\n");
  }
  return out;
}

}  // namespace collab
