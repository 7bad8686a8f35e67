#include "tenure/snapshot.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "heap.h"
#include "object_names.h"
#include "tenure/verify.h"

namespace tenure::verify {

Snapshot Snapshot::take(std::uint64_t made_after) {
  Snapshot snapshot;
  detail::Heap* heap = detail::current_heap_if_any();
  if (!heap || (!kEnabled && made_after > 0)) return snapshot;
  detail::ObjectNames names;
  // (count, bytes) per (type, site)
  absl::flat_hash_map<std::pair<std::string, std::string>,
                      std::pair<std::size_t, std::size_t>>
      counts;
  for (const std::vector<Object*>& objects : heap->lists) {
    for (const Object* object : objects) {
      detail::Site site = detail::site_record(*object);
      if (made_after > 0 && site.made <= made_after) continue;
      auto& [count, size] = counts[{names.type(*object), names.site(*object)}];
      ++count;
      size += site.size;
    }
  }
  snapshot.statistics_.reserve(counts.size());
  for (auto& [key, totals] : counts) {
    snapshot.statistics_.push_back(
        {key.first, key.second, totals.first, totals.second});
  }
  std::sort(snapshot.statistics_.begin(), snapshot.statistics_.end(),
            [](const Statistic& a, const Statistic& b) {
              return std::tie(b.count, a.type, a.site) <
                     std::tie(a.count, b.type, b.site);
            });
  return snapshot;
}

std::vector<StatisticDiff> Snapshot::compare_to(const Snapshot& older) const {
  absl::flat_hash_map<std::pair<std::string, std::string>, StatisticDiff> diffs;
  for (const Statistic& s : statistics_) {
    StatisticDiff& d = diffs[{s.type, s.site}];
    d.type = s.type;
    d.site = s.site;
    d.count = s.count;
    d.count_diff += static_cast<std::ptrdiff_t>(s.count);
    d.size = s.size;
    d.size_diff += static_cast<std::ptrdiff_t>(s.size);
  }
  for (const Statistic& s : older.statistics_) {
    StatisticDiff& d = diffs[{s.type, s.site}];
    d.type = s.type;
    d.site = s.site;
    d.count_diff -= static_cast<std::ptrdiff_t>(s.count);
    d.size_diff -= static_cast<std::ptrdiff_t>(s.size);
  }
  std::vector<StatisticDiff> result;
  for (auto& [key, diff] : diffs) {
    if (diff.count_diff != 0 || diff.size_diff != 0) {
      result.push_back(std::move(diff));
    }
  }
  std::sort(result.begin(), result.end(),
            [](const StatisticDiff& a, const StatisticDiff& b) {
              return std::tie(b.count_diff, b.size_diff, a.type, a.site) <
                     std::tie(a.count_diff, a.size_diff, b.type, b.site);
            });
  return result;
}

}  // namespace tenure::verify
