// Verification mode's records: allocation sites and Ref copy counts.
#include "tenure/verify.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <typeinfo>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "heap.h"
#include "object_names.h"

namespace tenure {
namespace detail {

// The mode tags config.h refers to: one is defined, per the runtime's mode.
#if TENURE_VERIFY
extern const int runtime_built_with_TENURE_VERIFY = 1;
#else
extern const int runtime_built_without_TENURE_VERIFY = 1;
#endif

namespace {

// Copies happen on every thread; a mutex keeps the table simple. This is a
// test-build cost only.
struct CopyTable {
  std::mutex mutex;
  // Keyed by the file pointer and line a std::source_location gives; equal
  // file names behind different pointers are merged when read.
  absl::flat_hash_map<std::pair<const char*, std::uint32_t>, std::uint64_t>
      counts;
};

CopyTable& copy_table() {
  static auto* table = new CopyTable;  // never destroyed: copies at exit
  return *table;
}

}  // namespace

std::string format_site(Site site) {
  if (!site.file || !*site.file) return "";
  return absl::StrCat(site.file, ":", site.line);
}

Site site_record(const Object& object) {
#if TENURE_VERIFY
  if (Heap* heap = current_heap_if_any()) {
    auto found = heap->sites.find(&object);
    if (found != heap->sites.end()) return found->second;
  }
#else
  (void)object;
#endif
  return Site{};
}

const std::string& ObjectNames::type(const Object& object) {
  const std::type_info& type = typeid(object);
  auto [it, added] = types_.try_emplace(&type);
  if (added) {
    int status = 0;
    char* demangled =
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
    it->second = status == 0 && demangled ? demangled : type.name();
    std::free(demangled);
  }
  return it->second;
}

const std::string& ObjectNames::site(const Object& object) {
  Site site = site_record(object);
  auto [it, added] = sites_.try_emplace(std::make_pair(site.file, site.line));
  if (added) it->second = format_site(site);
  return it->second;
}

#if TENURE_VERIFY
void note_copy(const char* file, std::uint32_t line) noexcept {
  CopyTable& table = copy_table();
  std::lock_guard<std::mutex> lock(table.mutex);
  try {
    // Keyed by copy sites: as many as the program has.
    ++table.counts[{file, line}];  // NOLINT(tenure-unbounded-cache)
  } catch (...) {
    // Out of memory while counting: a lost count, never a failed copy.
  }
}
#endif

}  // namespace detail

namespace verify {

std::string site_of(const Object& object) {
  return detail::format_site(detail::site_record(object));
}

std::uint64_t allocation_count() noexcept {
  detail::Heap* heap = detail::current_heap_if_any();
  return heap ? heap->makes : 0;
}

std::string type_name(const Object& object) {
  return detail::ObjectNames().type(object);
}

std::vector<CopySite> copy_counts() {
  absl::flat_hash_map<std::string, std::uint64_t> by_site;
  {
    detail::CopyTable& table = detail::copy_table();
    std::lock_guard<std::mutex> lock(table.mutex);
    for (const auto& [key, count] : table.counts) {
      by_site[detail::format_site({key.first, key.second})] += count;
    }
  }
  std::vector<CopySite> sites;
  sites.reserve(by_site.size());
  for (auto& [site, count] : by_site) sites.push_back({site, count});
  std::sort(sites.begin(), sites.end(),
            [](const CopySite& a, const CopySite& b) {
              return a.count != b.count ? a.count > b.count : a.site < b.site;
            });
  return sites;
}

void reset_copy_counts() {
  detail::CopyTable& table = detail::copy_table();
  std::lock_guard<std::mutex> lock(table.mutex);
  table.counts.clear();
}

}  // namespace verify
}  // namespace tenure
