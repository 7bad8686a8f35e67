// Type and site names of many objects at once, for reports that walk a whole
// heap: each type is demangled and each site formatted once.
#pragma once

#include <cstdint>
#include <string>
#include <typeinfo>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "heap.h"
#include "tenure/object.h"
#include "tenure/verify.h"

namespace tenure::detail {

// The site make recorded for `object` on this thread's heap; an empty Site
// outside verification mode or when unknown.
Site site_record(const Object& object);
// "file:line", or "" for an empty Site.
std::string format_site(Site site);

// A retention path one step per line, as verify::format_retention_path
// writes it, the first line opening with `rooted` or `unrooted` (per
// path.rooted) and ": ".
std::string format_path(const verify::RetentionPath& path, const char* rooted,
                        const char* unrooted);

// `text` as a Graphviz DOT string literal, quotes included.
std::string dot_quote(const std::string& text);

class ObjectNames {
 public:
  const std::string& type(const Object& object);
  const std::string& site(const Object& object);

 private:
  absl::flat_hash_map<const std::type_info*, std::string> types_;
  absl::flat_hash_map<std::pair<const char*, std::uint32_t>, std::string>
      sites_;
};

}  // namespace tenure::detail
