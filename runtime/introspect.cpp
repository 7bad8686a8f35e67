// Introspection of a thread's heap, in Python's vocabulary: gc's referents,
// referrers, objects and stats; and, in tenure::verify, sizes, traced memory,
// retention paths (objgraph's find_backref_chain) and back-reference graphs
// (objgraph's show_backrefs).
//
// Everything here reads the heap through the generation lists and trace();
// nothing changes the collector's state. Handles are made only after a walk
// is over, so the counts a walk reads are the program's own.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "heap.h"
#include "object_names.h"
#include "tenure/gc.h"
#include "tenure/tracer.h"
#include "tenure/verify.h"

namespace tenure {
namespace detail {
namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

// Calls f(target, field) for each handle an object's trace() reports.
template <class F>
class EdgeVisitor final : public Tracer {
 public:
  explicit EdgeVisitor(F& f) : Tracer(/*clearing=*/false), f_(f) {}

 private:
  void visit(Object& target, const char* field) override { f_(target, field); }
  F& f_;
};

template <class F>
void for_each_edge(const Object& object, F&& f) {
  EdgeVisitor<std::remove_reference_t<F>> visitor(f);
  const_cast<Object&>(object).trace(visitor);
}

// The calling thread's heap, or null when it has made nothing. During a
// collection's decision phase only trace() runs, and only to report
// handles: reading the heap from there is refused.
Heap* readable_heap(const char* what) {
  Heap* heap = current_heap_if_any();
  if (heap && heap->collecting && !heap->destroying) {
    throw std::logic_error(
        absl::StrCat(what, ": called from trace() during a collection"));
  }
  return heap;
}

std::vector<Ref<Object>> handles(const std::vector<Object*>& objects) {
  std::vector<Ref<Object>> result;
  result.reserve(objects.size());
  for (Object* object : objects)
    result.push_back(Ref<Object>::from_this(object));
  return result;
}

// The heap's objects numbered 0..size()-1, list after list; an object's
// number comes from its slot, without a hash table.
class HeapIndex {
 public:
  explicit HeapIndex(const Heap& heap) : heap_(heap) {
    std::size_t total = 0;
    for (int list = 0; list < kLists; ++list) {
      offsets_[list] = static_cast<std::uint32_t>(total);
      total += heap.lists[list].size();
    }
    objects_.reserve(total);
    for (const std::vector<Object*>& list : heap.lists) {
      objects_.insert(objects_.end(), list.begin(), list.end());
    }
  }

  std::uint32_t size() const {
    return static_cast<std::uint32_t>(objects_.size());
  }
  Object& at(std::uint32_t id) const { return *objects_[id]; }
  std::optional<std::uint32_t> id(const Object& object) const {
    if (!heap_.holds(object)) return std::nullopt;
    std::uint32_t slot = ObjectAccess::slot(const_cast<Object&>(object));
    return offsets_[list_of(slot)] + (slot & kIndexMask);
  }

 private:
  const Heap& heap_;
  std::array<std::uint32_t, kLists> offsets_{};
  std::vector<Object*> objects_;
};

std::uint32_t require_id(const HeapIndex* index, const Object& object,
                         const char* what) {
  std::optional<std::uint32_t> id;
  if (index) id = index->id(object);
  if (!id) {
    throw std::invalid_argument(absl::StrCat(
        what,
        ": the object is not on this thread's heap (made on another "
        "thread, not made by tenure::make, or destroyed)"));
  }
  return *id;
}

// Handles the heap's own objects hold to each object, plus `extra`.
std::vector<std::uint32_t> internal_counts(const HeapIndex& index,
                                           std::vector<std::uint32_t> extra) {
  std::vector<std::uint32_t> internal = std::move(extra);
  internal.resize(index.size(), 0);
  for (std::uint32_t id = 0; id < index.size(); ++id) {
    for_each_edge(index.at(id), [&](Object& target, const char*) {
      if (auto target_id = index.id(target)) ++internal[*target_id];
    });
  }
  return internal;
}

bool held_from_outside(const HeapIndex& index,
                       const std::vector<std::uint32_t>& internal,
                       std::uint32_t id) {
  return ObjectAccess::count(index.at(id)) > internal[id];
}

// A breadth-first walk from every root at once: each reached object's
// parent on a shortest chain from some root, that root, and the chain's
// length.
struct Reach {
  std::vector<std::uint32_t> parent;  // kNone: unreached; itself: a root
  std::vector<std::uint32_t> origin;
  std::vector<std::uint32_t> depth;
};

Reach reach_from_roots(const HeapIndex& index,
                       const std::vector<std::uint32_t>& internal) {
  std::uint32_t n = index.size();
  Reach reach{std::vector<std::uint32_t>(n, kNone),
              std::vector<std::uint32_t>(n, kNone),
              std::vector<std::uint32_t>(n, 0)};
  std::vector<std::uint32_t> queue;
  queue.reserve(n);
  for (std::uint32_t id = 0; id < n; ++id) {
    if (!held_from_outside(index, internal, id)) continue;
    reach.parent[id] = reach.origin[id] = id;
    queue.push_back(id);
  }
  for (std::size_t head = 0; head < queue.size(); ++head) {
    std::uint32_t from = queue[head];
    for_each_edge(index.at(from), [&](Object& target, const char*) {
      std::optional<std::uint32_t> to = index.id(target);
      if (!to || reach.parent[*to] != kNone) return;
      reach.parent[*to] = from;
      reach.origin[*to] = reach.origin[from];
      reach.depth[*to] = reach.depth[from] + 1;
      queue.push_back(*to);
    });
  }
  return reach;
}

// The name `from`'s trace gives the first handle it reports to `to`.
std::string field_between(const Object& from, const Object& to) {
  std::string name;
  bool found = false;
  for_each_edge(from, [&](Object& target, const char* field) {
    if (found || &target != &to) return;
    found = true;
    if (field) name = field;
  });
  return name;
}

verify::RetentionPath make_path(const HeapIndex& index,
                                const std::vector<std::uint32_t>& chain,
                                bool rooted, ObjectNames& names) {
  verify::RetentionPath path;
  path.rooted = rooted;
  path.steps.reserve(chain.size());
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const Object& object = index.at(chain[i]);
    path.steps.push_back(
        {names.type(object),
         i ? field_between(index.at(chain[i - 1]), object) : std::string(),
         names.site(object)});
  }
  return path;
}

// Root first.
std::vector<std::uint32_t> chain_to(const Reach& reach, std::uint32_t id) {
  std::vector<std::uint32_t> chain{id};
  while (reach.parent[id] != id) {
    id = reach.parent[id];
    chain.push_back(id);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// Retention paths of the objects numbered `targets`; `discount` counts the
// caller's own handles to each object, which hold nothing for this purpose.
std::vector<verify::RetentionPath> retention_paths_of(
    const HeapIndex& index, const std::vector<std::uint32_t>& targets,
    std::vector<std::uint32_t> discount) {
  std::vector<std::uint32_t> internal =
      internal_counts(index, std::move(discount));
  Reach reach = reach_from_roots(index, internal);

  // Targets that are roots themselves look for a chain from another root
  // through a referrer; unreached ones (held only by cyclic garbage) walk
  // back through referrers that are unreached too.
  absl::flat_hash_map<std::uint32_t, std::uint32_t> best_referrer;
  bool any_unreached = false;
  for (std::uint32_t target : targets) {
    if (reach.parent[target] == target) best_referrer.emplace(target, kNone);
    if (reach.parent[target] == kNone) any_unreached = true;
  }
  std::vector<std::uint32_t> first_referrer;
  if (any_unreached) first_referrer.assign(index.size(), kNone);
  if (!best_referrer.empty() || any_unreached) {
    for (std::uint32_t from = 0; from < index.size(); ++from) {
      bool reached = reach.parent[from] != kNone;
      for_each_edge(index.at(from), [&](Object& target, const char*) {
        std::optional<std::uint32_t> to = index.id(target);
        if (!to) return;
        if (reached) {
          auto best = best_referrer.find(*to);
          if (best != best_referrer.end() && reach.origin[from] != *to &&
              (best->second == kNone ||
               reach.depth[from] < reach.depth[best->second])) {
            best->second = from;
          }
        } else if (any_unreached && reach.parent[*to] == kNone &&
                   first_referrer[*to] == kNone) {
          first_referrer[*to] = from;
        }
      });
    }
  }

  ObjectNames names;
  std::vector<verify::RetentionPath> paths;
  paths.reserve(targets.size());
  for (std::uint32_t target : targets) {
    std::vector<std::uint32_t> chain;
    bool rooted = reach.parent[target] != kNone;
    if (!rooted) {
      // Back through referrers until one repeats: the chain then starts at
      // an object of the cycle that keeps the target.
      absl::flat_hash_set<std::uint32_t> seen{target};
      chain.push_back(target);
      for (std::uint32_t at = target; first_referrer[at] != kNone;) {
        at = first_referrer[at];
        if (!seen.insert(at).second) break;
        chain.push_back(at);
      }
      std::reverse(chain.begin(), chain.end());
    } else if (reach.parent[target] == target) {
      std::uint32_t referrer = best_referrer.at(target);
      if (referrer != kNone) chain = chain_to(reach, referrer);
      chain.push_back(target);
    } else {
      chain = chain_to(reach, target);
    }
    paths.push_back(make_path(index, chain, rooted, names));
  }
  return paths;
}

}  // namespace

std::string format_path(const verify::RetentionPath& path, const char* rooted,
                        const char* unrooted) {
  std::string text;
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    const verify::PathStep& step = path.steps[i];
    std::string site =
        step.site.empty() ? "" : absl::StrCat(" (", step.site, ")");
    if (i == 0) {
      absl::StrAppend(&text, path.rooted ? rooted : unrooted, ": ", step.type,
                      site, "\n");
    } else {
      absl::StrAppend(&text, "  -[", step.field.empty() ? "?" : step.field,
                      "]-> ", step.type, site, "\n");
    }
  }
  return text;
}

}  // namespace detail

namespace gc {

std::vector<Ref<Object>> get_referents(const Object& object) {
  constexpr const char* kWhat = "tenure::gc::get_referents";
  detail::Heap* heap = detail::readable_heap(kWhat);
  std::uint32_t slot = detail::ObjectAccess::slot(const_cast<Object&>(object));
  // A member or local that derives from Object has no slot but is this
  // thread's; a slot this heap does not hold is another thread's.
  if (slot != detail::kSlotUntracked && !(heap && heap->holds(object))) {
    detail::require_id(nullptr, object, kWhat);
  }
  std::vector<Object*> found;
  detail::for_each_edge(
      object, [&](Object& target, const char*) { found.push_back(&target); });
  return detail::handles(found);
}

std::vector<Ref<Object>> get_referrers(const Object& object) {
  detail::Heap* heap = detail::readable_heap("tenure::gc::get_referrers");
  std::vector<Object*> found;
  if (!heap) return {};
  for (const std::vector<Object*>& list : heap->lists) {
    for (Object* from : list) {
      bool holds = false;
      detail::for_each_edge(*from, [&](Object& target, const char*) {
        holds = holds || &target == &object;
      });
      if (holds) found.push_back(from);
    }
  }
  return detail::handles(found);
}

std::vector<Ref<Object>> get_objects(int generation) {
  if (generation < -1 || generation >= detail::kGenerations) {
    throw std::out_of_range(
        "tenure::gc::get_objects: generation must be -1, 0, 1 or 2");
  }
  detail::Heap* heap = detail::readable_heap("tenure::gc::get_objects");
  if (!heap) return {};
  if (generation >= 0) return detail::handles(heap->lists[generation]);
  std::vector<Object*> all;
  all.reserve(heap->size());
  for (const std::vector<Object*>& list : heap->lists) {
    all.insert(all.end(), list.begin(), list.end());
  }
  return detail::handles(all);
}

bool is_tracked(const Object& object) noexcept {
  detail::Heap* heap = detail::current_heap_if_any();
  return heap && heap->holds(object);
}

std::array<GenerationStats, 3> get_stats() noexcept {
  detail::Heap* heap = detail::current_heap_if_any();
  return heap ? heap->stats : std::array<GenerationStats, 3>{};
}

}  // namespace gc

namespace verify {

std::size_t sizeof_object(const Object& object) {
  return detail::site_record(object).size;
}

TracedMemory get_traced_memory() noexcept {
#if TENURE_VERIFY
  if (detail::Heap* heap = detail::current_heap_if_any()) {
    return {heap->traced_bytes, heap->traced_peak_bytes};
  }
#endif
  return {};
}

void reset_peak() noexcept {
#if TENURE_VERIFY
  if (detail::Heap* heap = detail::current_heap_if_any()) {
    heap->traced_peak_bytes = heap->traced_bytes;
  }
#endif
}

std::uint64_t allocation_number(const Object& object) {
  return detail::site_record(object).made;
}

RetentionPath retention_path(const Object& object) {
  constexpr const char* kWhat = "tenure::verify::retention_path";
  detail::Heap* heap = detail::readable_heap(kWhat);
  std::optional<detail::HeapIndex> index;
  if (heap) index.emplace(*heap);
  std::uint32_t id =
      detail::require_id(index ? &*index : nullptr, object, kWhat);
  return detail::retention_paths_of(*index, {id}, {})[0];
}

std::vector<RetentionPath> retention_paths(
    const std::vector<Ref<Object>>& objects) {
  constexpr const char* kWhat = "tenure::verify::retention_paths";
  detail::Heap* heap = detail::readable_heap(kWhat);
  std::vector<RetentionPath> paths(objects.size());
  if (!heap) {
    for (const Ref<Object>& object : objects) {
      if (object) detail::require_id(nullptr, *object, kWhat);
    }
    return paths;
  }
  detail::HeapIndex index(*heap);
  std::vector<std::uint32_t> discount(index.size(), 0);
  std::vector<std::uint32_t> targets;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (!objects[i]) continue;
    std::uint32_t id = detail::require_id(&index, *objects[i], kWhat);
    ++discount[id];
    targets.push_back(id);
    positions.push_back(i);
  }
  if (targets.empty()) return paths;  // no heap scan for nothing
  std::vector<RetentionPath> found =
      detail::retention_paths_of(index, targets, std::move(discount));
  for (std::size_t i = 0; i < found.size(); ++i) {
    paths[positions[i]] = std::move(found[i]);
  }
  return paths;
}

std::string format_retention_path(const RetentionPath& path) {
  return detail::format_path(path, "held from outside the heap",
                             "held only by unreachable cyclic garbage");
}

void write_backrefs_dot(std::ostream& out, const Object& object, int depth) {
  constexpr const char* kWhat = "tenure::verify::write_backrefs_dot";
  constexpr std::size_t kMaxNodes = 1000;
  detail::Heap* heap = detail::readable_heap(kWhat);
  std::optional<detail::HeapIndex> index;
  if (heap) index.emplace(*heap);
  std::uint32_t start =
      detail::require_id(index ? &*index : nullptr, object, kWhat);

  std::vector<std::uint32_t> nodes{start};
  absl::flat_hash_map<std::uint32_t, std::size_t> node_of{{start, 0}};
  struct Edge {
    std::size_t from;
    std::string field;
    std::size_t to;
  };
  std::vector<Edge> edges;
  absl::flat_hash_set<std::uint32_t> frontier{start};
  for (int level = 0; level < depth && !frontier.empty(); ++level) {
    absl::flat_hash_set<std::uint32_t> next;
    for (std::uint32_t from = 0; from < index->size(); ++from) {
      detail::for_each_edge(
          index->at(from), [&](Object& target, const char* field) {
            std::optional<std::uint32_t> to = index->id(target);
            if (!to || !frontier.contains(*to)) return;
            auto [it, added] = node_of.try_emplace(from, nodes.size());
            if (added) {
              if (nodes.size() == kMaxNodes) {
                node_of.erase(it);
                return;
              }
              nodes.push_back(from);
              next.insert(from);
            }
            edges.push_back({it->second, field ? field : "", node_of.at(*to)});
          });
    }
    frontier = std::move(next);
  }

  // Which of the drawn objects are held from outside the heap.
  std::vector<std::uint32_t> internal(nodes.size(), 0);
  for (std::uint32_t from = 0; from < index->size(); ++from) {
    detail::for_each_edge(index->at(from), [&](Object& target, const char*) {
      std::optional<std::uint32_t> to = index->id(target);
      if (!to) return;
      if (auto node = node_of.find(*to); node != node_of.end()) {
        ++internal[node->second];
      }
    });
  }

  detail::ObjectNames names;
  out << "digraph backrefs {\n  node [shape=box, fontname=\"monospace\"];\n";
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Object& node = index->at(nodes[i]);
    std::string label = names.type(node);
    if (const std::string& site = names.site(node); !site.empty()) {
      absl::StrAppend(&label, "\n", site);
    }
    bool root = detail::ObjectAccess::count(node) > internal[i];
    if (root) absl::StrAppend(&label, "\nheld from outside the heap");
    out << "  o" << i << " [label=" << detail::dot_quote(label);
    if (i == 0) out << ", style=filled, fillcolor=\"#ffd0d0\"";
    if (root) out << ", peripheries=2";
    out << "];\n";
  }
  for (const Edge& edge : edges) {
    out << "  o" << edge.from << " -> o" << edge.to;
    if (!edge.field.empty())
      out << " [label=" << detail::dot_quote(edge.field) << "]";
    out << ";\n";
  }
  out << "}\n";
}

}  // namespace verify
}  // namespace tenure
