#include "collab/renderer.h"

#include "absl/strings/str_cat.h"

namespace collab {
namespace {

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Renderer& Renderer::shared() {
  static Renderer* renderer =
      new Renderer;  // never destroyed: outlives readers
  return *renderer;
}

tenure::Ref<RenderedSection> Renderer::render(const Section& section) {
  std::string key = absl::StrCat(section.title(), "\n", section.text());
  tenure::Ref<RenderedSection>& slot = cache_[key];
  if (!slot) {
    ++renders_;
    slot = tenure::make<RenderedSection>(
        absl::StrCat("<h2>", escape_html(section.title()), "</h2>\n<p>",
                     escape_html(section.text()), "</p>\n"));
  }
  return slot;
}

}  // namespace collab
