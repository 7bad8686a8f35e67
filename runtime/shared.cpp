// Verification mode's registry of live SharedObjects and its scan for
// leaked cycles (tenure/cycles.h, "Cycles among SharedObjects").
#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <typeinfo>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "cycle_graph.h"
#include "heap.h"
#include "object_names.h"
#include "tenure/cycles.h"
#include "tenure/shared_object.h"
#include "tenure/tracer.h"

namespace tenure {

#if TENURE_VERIFY
namespace {

struct Entry {
  const SharedObject* object;  // nullptr: a free slot
  void* self;                  // the complete object, for `trace`
  detail::SharedTrace trace;
  const std::type_info* type;
  detail::Site site;
  std::uint64_t number;  // creation number, from 1
};

constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

// One lock for the whole process: creation and the last release of a
// SharedObject take it, so a scan that holds it sees no object appear or
// disappear, and none is destroyed while it is traced. Each object knows
// its slot (SharedObject::registry_slot_), so adding and removing cost no
// hashing; freed slots are reused last-in first-out.
struct Registry {
  std::mutex mutex;
  std::vector<Entry> slots;
  std::vector<std::uint32_t> free;  // capacity kept >= slots.size()
  std::uint64_t made = 0;
};

Registry& registry() {
  static auto* registry = new Registry;  // never destroyed: releases at exit
  return *registry;
}

// Set on the thread that scans, while it holds the lock: a make or a last
// release from inside a trace() would wait for itself.
thread_local bool t_scanning = false;

// The entry of `object` if it is registered; the lock must be held.
const Entry* entry_of(const Registry& r, const SharedObject& object) {
  std::uint32_t slot = detail::ObjectAccess::registry_slot(object);
  if (slot >= r.slots.size() || r.slots[slot].object != &object) {
    return nullptr;
  }
  return &r.slots[slot];
}

}  // namespace

namespace detail {

void track_shared(SharedObject* object, void* self, SharedTrace trace,
                  const std::type_info& type, const char* file,
                  std::uint32_t line) {
  if (t_scanning) {
    fail(type,
         "made during a scan of the SharedObjects: a trace() must only "
         "report handles");
  }
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::uint32_t slot;
  if (!r.free.empty()) {
    slot = r.free.back();
    r.free.pop_back();
  } else {
    if (r.slots.size() >= kNoSlot) throw std::bad_alloc();
    if (r.free.capacity() <= r.slots.size()) {
      r.free.reserve(2 * r.slots.size() + 16);  // forget_shared cannot fail
    }
    slot = static_cast<std::uint32_t>(r.slots.size());
    r.slots.emplace_back();
  }
  r.slots[slot] = Entry{object, self, trace, &type, Site{file, line}, ++r.made};
  ObjectAccess::registry_slot(*object) = slot;
}

void forget_shared(const SharedObject* object) noexcept {
  // Not made by make<T>: never registered. The slot was written before the
  // object's first handle left the thread that made it.
  if (ObjectAccess::registry_slot(*object) == kNoSlot) return;
  if (t_scanning) {
    fail(typeid(SharedObject),
         "last handle dropped during a scan of the SharedObjects: a trace() "
         "must only report handles");
  }
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::uint32_t slot = ObjectAccess::registry_slot(*object);
  r.slots[slot].object = nullptr;
  r.free.push_back(slot);
}

}  // namespace detail

namespace {

constexpr std::size_t kNone = SIZE_MAX;

// The handles one object's trace reports to registered SharedObjects, as
// (field, node index) in trace order.
using Edges = std::vector<std::pair<std::string, std::size_t>>;

class RecordShared final : public Tracer {
 public:
  RecordShared(const Registry& registry,
               const std::vector<std::size_t>& node_of_slot, Edges& edges)
      : Tracer(/*clearing=*/false),
        registry_(registry),
        node_of_slot_(node_of_slot),
        edges_(edges) {}

 private:
  // Another thread's heap: not ours to read.
  void visit(Object&, const char*) override {}
  void visit_shared(SharedObject& target, const char* field) override {
    // A SharedObject not made by make<T> (a member, a local) is not
    // registered: its handles are not followed.
    if (const Entry* entry = entry_of(registry_, target)) {
      edges_.emplace_back(field ? field : "",
                          node_of_slot_[entry - registry_.slots.data()]);
    }
  }
  const Registry& registry_;
  const std::vector<std::size_t>& node_of_slot_;
  Edges& edges_;
};

struct Snapshot {
  std::vector<const SharedObject*> objects;
  std::vector<Entry> entries;  // copies: the table may change after the scan
  std::vector<std::uint32_t> counts;
  std::vector<Edges> edges;
};

std::string demangled(const std::type_info& type) {
  int status = 0;
  char* name = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : type.name();
  std::free(name);
  return out;
}

std::string described(const Entry& entry) {
  std::string site = detail::format_site(entry.site);
  return demangled(*entry.type) + (site.empty() ? "" : " (" + site + ")");
}

std::vector<std::uint32_t> read_counts(const Snapshot& s) {
  std::vector<std::uint32_t> counts;
  counts.reserve(s.objects.size());
  for (const SharedObject* object : s.objects) {
    counts.push_back(detail::use_count(object));
  }
  return counts;
}

std::vector<Edges> trace_all(const Snapshot& s, const Registry& r,
                             const std::vector<std::size_t>& node_of_slot) {
  std::vector<Edges> edges(s.objects.size());
  for (std::size_t i = 0; i < s.objects.size(); ++i) {
    const Entry& entry = s.entries[i];
    if (!entry.trace) continue;
    RecordShared record(r, node_of_slot, edges[i]);
    entry.trace(entry.self, record);
  }
  return edges;
}

// Why two reads of the registry disagree, or "" when they agree and the
// counts can hold what the traces report.
std::string disagreement(const Snapshot& s,
                         const std::vector<std::uint32_t>& counts,
                         const std::vector<Edges>& edges) {
  std::vector<std::uint32_t> held(s.objects.size(), 0);
  for (std::size_t i = 0; i < s.objects.size(); ++i) {
    const Entry& entry = s.entries[i];
    if (s.counts[i] == 0 || counts[i] == 0) {
      return absl::StrCat(
          described(entry),
          " lost its last handle on another thread during the scan");
    }
    if (s.counts[i] != counts[i]) {
      return absl::StrCat("the count of ", described(entry), " changed from ",
                          s.counts[i], " to ", counts[i],
                          " during the scan: another thread still copies or "
                          "drops handles");
    }
    if (s.edges[i] != edges[i]) {
      return absl::StrCat("the handles ", described(entry),
                          " holds changed during the scan: another thread "
                          "still stores into it");
    }
    for (const auto& [field, target] : edges[i]) ++held[target];
  }
  for (std::size_t i = 0; i < s.objects.size(); ++i) {
    if (held[i] > counts[i]) {
      return absl::StrCat(
          described(s.entries[i]), " has ", held[i],
          " handles reported by trace() but a count of ", counts[i],
          ": another thread moved a handle during the scan, or a trace() "
          "reports a handle its object does not own");
    }
  }
  return "";
}

// A steady view of the registry in `s`, or why none was had.
std::string steady_snapshot(Snapshot& s) {
  constexpr int kTries = 3;
  Registry& r = registry();
  std::string error;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    if (attempt > 0) std::this_thread::yield();  // let a finishing thread end
    std::lock_guard<std::mutex> lock(r.mutex);
    t_scanning = true;
    s = Snapshot();
    std::vector<std::size_t> node_of_slot(r.slots.size(), kNone);
    for (std::size_t slot = 0; slot < r.slots.size(); ++slot) {
      const Entry& entry = r.slots[slot];
      if (!entry.object) continue;
      node_of_slot[slot] = s.objects.size();
      s.objects.push_back(entry.object);
      s.entries.push_back(entry);
    }
    try {
      s.counts = read_counts(s);
      s.edges = trace_all(s, r, node_of_slot);
      std::vector<std::uint32_t> counts = read_counts(s);
      std::vector<Edges> edges = trace_all(s, r, node_of_slot);
      error = disagreement(s, counts, edges);
      if (error.empty()) error = disagreement(s, read_counts(s), edges);
    } catch (const std::exception& e) {
      error = absl::StrCat("a trace() of a SharedObject threw: ", e.what());
      attempt = kTries;
    } catch (...) {
      error = "a trace() of a SharedObject threw";
      attempt = kTries;
    }
    t_scanning = false;
    if (error.empty()) return "";
  }
  return absl::StrCat("no steady view of the SharedObjects after ", kTries,
                      " scans: ", error);
}

// The collector's verdict: held from outside when the count is above the
// handles the registry's objects hold.
std::vector<bool> held_from_outside(const Snapshot& s) {
  std::vector<std::uint32_t> internal(s.objects.size(), 0);
  for (const Edges& edges : s.edges) {
    for (const auto& [field, target] : edges) ++internal[target];
  }
  std::vector<bool> roots(s.objects.size());
  for (std::size_t i = 0; i < s.objects.size(); ++i) {
    roots[i] = s.counts[i] > internal[i];
  }
  return roots;
}

}  // namespace

namespace verify {

SharedCycles find_shared_cycles(std::uint64_t made_after) {
  SharedCycles result;
  Snapshot s;
  result.error = steady_snapshot(s);
  if (!result.error.empty()) return result;
  // What the objects held from outside reach is alive.
  std::size_t n = s.objects.size();
  result.live = n;
  for (const Entry& entry : s.entries) {
    if (!entry.trace) ++result.untraced;
  }
  std::vector<bool> roots = held_from_outside(s);
  std::vector<bool> reached = roots;
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < n; ++i) {
    if (roots[i]) queue.push_back(i);
  }
  while (!queue.empty()) {
    std::size_t node = queue.front();
    queue.pop_front();
    for (const auto& [field, target] : s.edges[node]) {
      if (!reached[target]) {
        reached[target] = true;
        queue.push_back(target);
      }
    }
  }
  // The leaked objects of this period, renumbered, and their handles among
  // themselves (older leaked objects were reported when they were made).
  std::vector<std::size_t> leaked;
  std::vector<std::size_t> renumbered(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    if (!reached[i] && s.entries[i].number > made_after) {
      renumbered[i] = leaked.size();
      leaked.push_back(i);
    }
  }
  result.leaked = leaked.size();
  if (leaked.empty()) return result;
  // Deterministic reports: in creation order.
  std::sort(leaked.begin(), leaked.end(), [&](std::size_t a, std::size_t b) {
    return s.entries[a].number < s.entries[b].number;
  });
  for (std::size_t i = 0; i < leaked.size(); ++i) renumbered[leaked[i]] = i;
  detail::EdgeLists edges(leaked.size());
  std::vector<std::string> types, sites;
  absl::flat_hash_map<const std::type_info*, std::string> type_names;
  for (std::size_t i = 0; i < leaked.size(); ++i) {
    const Entry& entry = s.entries[leaked[i]];
    auto [name, added] = type_names.try_emplace(entry.type);
    if (added) name->second = demangled(*entry.type);
    types.push_back(name->second);
    sites.push_back(detail::format_site(entry.site));
    for (const auto& [field, target] : s.edges[leaked[i]]) {
      if (renumbered[target] != kNone) {
        edges[i].emplace_back(field, renumbered[target]);
      }
    }
  }
  std::vector<bool> on_cycle;
  result.cycles = detail::cycles_of(
      edges, [&](std::size_t i) -> const std::string& { return types[i]; },
      [&](std::size_t i) -> const std::string& { return sites[i]; }, &on_cycle);
  std::map<std::pair<std::string, std::string>, std::size_t> held;
  for (std::size_t i = 0; i < leaked.size(); ++i) {
    if (!on_cycle[i]) ++held[{types[i], sites[i]}];
  }
  for (const auto& [key, count] : held) {
    result.held.push_back({key.first, key.second, count});
  }
  return result;
}

std::uint64_t shared_allocation_count() noexcept {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.made;
}

std::uint64_t shared_allocation_number(const SharedObject& object) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const Entry* entry = entry_of(r, object);
  return entry ? entry->number : 0;
}

SharedHolders shared_retention_path(const SharedObject* object,
                                    std::uint64_t number) {
  SharedHolders result;
  Snapshot s;
  result.error = steady_snapshot(s);
  if (!result.error.empty()) return result;
  std::size_t n = s.objects.size();
  std::size_t target = kNone;
  for (std::size_t i = 0; i < n; ++i) {
    if (s.objects[i] == object && s.entries[i].number == number) target = i;
  }
  if (target == kNone) return result;
  result.alive = true;
  // Breadth first from every other root: the object is its own root only
  // when nothing else held from outside reaches it (retention_path's rule).
  std::vector<bool> roots = held_from_outside(s);
  std::vector<std::pair<std::size_t, const std::string*>> parent(
      n, {kNone, nullptr});
  std::vector<bool> seen(n, false);
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < n; ++i) {
    if (roots[i] && i != target) {
      seen[i] = true;
      queue.push_back(i);
    }
  }
  while (!queue.empty() && !seen[target]) {
    std::size_t node = queue.front();
    queue.pop_front();
    for (const auto& [field, next] : s.edges[node]) {
      if (seen[next]) continue;
      seen[next] = true;
      parent[next] = {node, &field};
      queue.push_back(next);
    }
  }
  auto step = [&](std::size_t i, const std::string& field) {
    return PathStep{demangled(*s.entries[i].type), field,
                    detail::format_site(s.entries[i].site)};
  };
  if (seen[target]) {
    result.path.rooted = true;
    for (std::size_t node = target; node != kNone; node = parent[node].first) {
      result.path.steps.push_back(
          step(node, parent[node].second ? *parent[node].second : ""));
    }
    std::reverse(result.path.steps.begin(), result.path.steps.end());
  } else {
    result.path.rooted = roots[target];
    result.path.steps.push_back(step(target, ""));
  }
  result.text =
      detail::format_path(result.path, "held from outside the SharedObjects",
                          "held only by leaked SharedObjects");
  return result;
}

}  // namespace verify
#else
namespace verify {
SharedCycles find_shared_cycles(std::uint64_t) { return {}; }
std::uint64_t shared_allocation_count() noexcept { return 0; }
std::uint64_t shared_allocation_number(const SharedObject&) { return 0; }
SharedHolders shared_retention_path(const SharedObject*, std::uint64_t) {
  return {};
}
}  // namespace verify
#endif

}  // namespace tenure
