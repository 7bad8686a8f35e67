// tenure::verify::Snapshot: live objects by type and allocation site, and
// the difference between two snapshots (Python's tracemalloc model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tenure::verify {

struct Statistic {
  std::string type;  // demangled dynamic type
  std::string site;  // "file:line" of make, "" outside verification mode
  std::size_t count = 0;
  std::size_t size = 0;  // their bytes (verify::sizeof_object); 0 outside
                         // verification mode
};

struct StatisticDiff {
  std::string type;
  std::string site;
  std::size_t count = 0;          // objects now
  std::ptrdiff_t count_diff = 0;  // change since the older snapshot
  std::size_t size = 0;           // bytes now
  std::ptrdiff_t size_diff = 0;   // change of the bytes
};

class Snapshot {
 public:
  // Counts the collectable objects alive on this thread's heap (frozen ones
  // included) by type and site. In verification mode, `made_after` (a
  // verify::allocation_count() taken earlier) restricts it to the objects
  // made since then; outside verification mode a non-zero `made_after`
  // counts nothing, since objects carry no such record.
  static Snapshot take(std::uint64_t made_after = 0);

  // Largest count first.
  const std::vector<Statistic>& statistics() const { return statistics_; }

  // What changed since `older`, largest growth in count first (then in
  // bytes); entries whose count and bytes did not change are left out.
  std::vector<StatisticDiff> compare_to(const Snapshot& older) const;

 private:
  std::vector<Statistic> statistics_;
};

}  // namespace tenure::verify
