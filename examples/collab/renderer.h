// Renders sections to HTML for readers. Rendering is the expensive part of
// serving a page, so results are memoised by section text.
//
// Demo code with a retention bug planted on purpose: the memo only grows.
// Every edit makes new text and so a new entry, and nothing ever removes one.
// The fix: a tenure::LruCache with a capacity.
#pragma once

#include <tenure/tenure.h>

#include <cstddef>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "collab/document.h"

namespace collab {

class RenderedSection : public tenure::Object {
 public:
  explicit RenderedSection(std::string html) : html_(std::move(html)) {}
  const std::string& html() const { return html_; }

 private:
  std::string html_;
};

class Renderer {
 public:
  // The renderer every reader of this process shares.
  static Renderer& shared();

  tenure::Ref<RenderedSection> render(const Section& section);

  std::size_t renders() const { return renders_; }

 private:
  absl::flat_hash_map<std::string, tenure::Ref<RenderedSection>> cache_;
  std::size_t renders_ = 0;  // cache misses
};

}  // namespace collab
