#include "tenure/cycles.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cycle_graph.h"
#include "object_names.h"
#include "tenure/tracer.h"
#include "tenure/verify.h"

namespace tenure::detail {

std::string dot_quote(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace tenure::detail

namespace tenure::verify {
namespace {

using detail::dot_quote;

struct Edge {
  std::string field;
  Object* target;
};

// Records the strong handles an object's trace reports, with field names.
class RecordEdges final : public Tracer {
 public:
  explicit RecordEdges(std::vector<Edge>& edges)
      : Tracer(/*clearing=*/false), edges_(edges) {}

 private:
  void visit(Object& target, const char* field) override {
    edges_.push_back({field ? field : "", &target});
  }
  std::vector<Edge>& edges_;
};

using detail::EdgeLists;

// The objects as numbered nodes and their edges among themselves.
struct Graph {
  std::vector<Object*> nodes;
  EdgeLists edges;
};

Graph build_graph(const std::vector<Object*>& objects) {
  Graph graph;
  graph.nodes = objects;
  absl::flat_hash_map<const Object*, std::size_t> index;
  for (std::size_t i = 0; i < objects.size(); ++i) index.emplace(objects[i], i);
  graph.edges.resize(objects.size());
  std::vector<Edge> found;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    found.clear();
    RecordEdges record(found);
    objects[i]->trace(record);
    for (Edge& edge : found) {
      auto target = index.find(edge.target);
      if (target != index.end()) {
        graph.edges[i].emplace_back(std::move(edge.field), target->second);
      }
    }
  }
  return graph;
}

// Tarjan's strongly connected components, iteratively (a million-object
// ring must not overflow the stack). Returns the component of each node.
std::vector<std::size_t> components(const EdgeLists& edges,
                                    std::size_t& count) {
  constexpr std::size_t kUnvisited = SIZE_MAX;
  std::size_t n = edges.size();
  std::vector<std::size_t> order(n, kUnvisited), low(n, 0),
      component(n, kUnvisited);
  std::vector<std::size_t> stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::pair<std::size_t, std::size_t>> calls;  // node, next edge
  std::size_t next_order = 0;
  count = 0;
  for (std::size_t start = 0; start < n; ++start) {
    if (order[start] != kUnvisited) continue;
    calls.push_back({start, 0});
    order[start] = low[start] = next_order++;
    stack.push_back(start);
    on_stack[start] = true;
    while (!calls.empty()) {
      auto& [node, edge] = calls.back();
      if (edge < edges[node].size()) {
        std::size_t next = edges[node][edge++].second;
        if (order[next] == kUnvisited) {
          order[next] = low[next] = next_order++;
          stack.push_back(next);
          on_stack[next] = true;
          calls.push_back({next, 0});
        } else if (on_stack[next]) {
          low[node] = std::min(low[node], order[next]);
        }
        continue;
      }
      std::size_t done = node;
      calls.pop_back();
      if (!calls.empty()) {
        std::size_t parent = calls.back().first;
        low[parent] = std::min(low[parent], low[done]);
      }
      if (low[done] == order[done]) {
        std::size_t member;
        do {
          member = stack.back();
          stack.pop_back();
          on_stack[member] = false;
          component[member] = count;
        } while (member != done);
        ++count;
      }
    }
  }
  return component;
}

// The shortest cycle from `start` back to itself inside its component, as
// (node, field to the next node) steps. Empty when there is none.
std::vector<std::pair<std::size_t, std::string>> shortest_cycle(
    const EdgeLists& edges, const std::vector<std::size_t>& component,
    std::size_t start) {
  constexpr std::size_t kNone = SIZE_MAX;
  absl::flat_hash_map<std::size_t, std::pair<std::size_t, const std::string*>>
      parent;  // node -> (previous node, field used)
  std::deque<std::size_t> queue{start};
  std::size_t last = kNone;
  const std::string* closing = nullptr;
  while (!queue.empty() && last == kNone) {
    std::size_t node = queue.front();
    queue.pop_front();
    for (const auto& [field, next] : edges[node]) {
      if (component[next] != component[start]) continue;
      if (next == start) {
        last = node;
        closing = &field;
        break;
      }
      if (parent.emplace(next, std::make_pair(node, &field)).second) {
        queue.push_back(next);
      }
    }
  }
  std::vector<std::pair<std::size_t, std::string>> steps;
  if (last == kNone) return steps;
  steps.emplace_back(last, *closing);
  for (std::size_t node = last; node != start;) {
    auto [previous, field] = parent.at(node);
    steps.emplace_back(previous, *field);
    node = previous;
  }
  std::reverse(steps.begin(), steps.end());
  return steps;
}

// A cycle's path reduced to its shape: a ring of a million Nodes is
// "Node -[next]-> Node". The path shrinks to its shortest repeating unit
// (the period that the KMP prefix function gives), then rotates to a fixed
// start, so that equal shapes compare equal.
using Path = std::vector<std::pair<std::string, std::string>>;
Path canonical_shape(Path path) {
  std::size_t n = path.size();
  std::vector<std::size_t> prefix(n, 0);
  for (std::size_t i = 1; i < n; ++i) {
    std::size_t k = prefix[i - 1];
    while (k > 0 && path[i] != path[k]) k = prefix[k - 1];
    if (path[i] == path[k]) ++k;
    prefix[i] = k;
  }
  std::size_t period = n - prefix[n - 1];
  if (n % period == 0) path.resize(period);
  // The smallest rotation; short paths (the usual case) try them all, long
  // ones start at their smallest step.
  constexpr std::size_t kTryAll = 64;
  if (path.size() > kTryAll) {
    std::rotate(path.begin(), std::min_element(path.begin(), path.end()),
                path.end());
    return path;
  }
  Path best = path;
  Path rotated(path.size());
  for (std::size_t r = 1; r < path.size(); ++r) {
    std::rotate_copy(path.begin(), path.begin() + r, path.end(),
                     rotated.begin());
    if (rotated < best) best = rotated;
  }
  return best;
}

std::vector<Object*> raw(const std::vector<Ref<Object>>& objects) {
  std::vector<Object*> result;
  result.reserve(objects.size());
  for (const Ref<Object>& object : objects) {
    if (object) result.push_back(object.get());
  }
  return result;
}

void write_graph(std::ostream& out, const Graph& graph) {
  out << "digraph tenure {\n  node [shape=box, fontname=\"monospace\"];\n";
  detail::ObjectNames names;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    std::string label = names.type(*graph.nodes[i]);
    const std::string& site = names.site(*graph.nodes[i]);
    if (!site.empty()) label += "\n" + site;
    out << "  o" << i << " [label=" << dot_quote(label) << "];\n";
  }
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const auto& [field, target] : graph.edges[i]) {
      out << "  o" << i << " -> o" << target;
      if (!field.empty()) out << " [label=" << dot_quote(field) << "]";
      out << ";\n";
    }
  }
  out << "}\n";
}

}  // namespace

std::vector<Cycle> find_cycles(const std::vector<Ref<Object>>& objects) {
  Graph graph = build_graph(raw(objects));
  detail::ObjectNames names;
  return detail::cycles_of(
      graph.edges,
      [&](std::size_t node) -> const std::string& {
        return names.type(*graph.nodes[node]);
      },
      [&](std::size_t node) -> const std::string& {
        return names.site(*graph.nodes[node]);
      });
}

std::string format_cycles(const std::vector<Cycle>& cycles) {
  std::string report;
  for (const Cycle& cycle : cycles) {
    absl::StrAppend(&report, "  cycle: ");
    for (std::size_t i = 0; i < cycle.types.size(); ++i) {
      absl::StrAppend(&report, cycle.types[i], " -[",
                      cycle.fields[i].empty() ? "?" : cycle.fields[i], "]-> ");
    }
    absl::StrAppend(&report, cycle.types.front(), " (", cycle.count,
                    cycle.count == 1 ? " time, " : " times, ", cycle.objects,
                    cycle.objects == 1 ? " object)\n" : " objects)\n");
    if (!cycle.sites.empty()) {
      absl::StrAppend(&report,
                      "    made at: ", absl::StrJoin(cycle.sites, ", "), "\n");
    }
  }
  return report;
}

void write_dot(std::ostream& out, const std::vector<Ref<Object>>& objects) {
  write_graph(out, build_graph(raw(objects)));
}

void write_dot(std::ostream& out, const Ref<Object>& root, std::size_t limit) {
  std::vector<Object*> reached;
  absl::flat_hash_map<const Object*, bool> seen;
  std::vector<Edge> found;
  if (root) {
    reached.push_back(root.get());
    seen[root.get()] = true;
  }
  for (std::size_t i = 0; i < reached.size() && reached.size() < limit; ++i) {
    found.clear();
    RecordEdges record(found);
    reached[i]->trace(record);
    for (const Edge& edge : found) {
      if (reached.size() < limit && seen.emplace(edge.target, true).second) {
        reached.push_back(edge.target);
      }
    }
  }
  write_graph(out, build_graph(reached));
}

}  // namespace tenure::verify

namespace tenure::detail {

std::vector<verify::Cycle> cycles_of(
    const EdgeLists& edges,
    const std::function<const std::string&(std::size_t)>& type,
    const std::function<const std::string&(std::size_t)>& site,
    std::vector<bool>* on_cycle) {
  using verify::Cycle;
  if (on_cycle) on_cycle->assign(edges.size(), false);
  std::size_t count = 0;
  std::vector<std::size_t> component = verify::components(edges, count);
  std::vector<std::vector<std::size_t>> members(count);
  for (std::size_t i = 0; i < component.size(); ++i) {
    members[component[i]].push_back(i);
  }

  std::map<std::pair<std::vector<std::string>, std::vector<std::string>>, Cycle>
      shapes;
  for (const std::vector<std::size_t>& nodes : members) {
    auto steps = verify::shortest_cycle(edges, component, nodes.front());
    if (steps.empty()) continue;  // a single object without a self-edge
    if (on_cycle) {
      for (std::size_t node : nodes) (*on_cycle)[node] = true;
    }
    std::vector<std::pair<std::string, std::string>> path;
    for (const auto& [node, field] : steps) {
      path.emplace_back(type(node), field);
    }
    std::vector<std::pair<std::string, std::string>> canonical =
        verify::canonical_shape(std::move(path));
    std::vector<std::string> types, fields;
    for (auto& [step_type, step_field] : canonical) {
      types.push_back(step_type);
      fields.push_back(step_field);
    }
    Cycle& cycle = shapes[{types, fields}];
    cycle.types = types;
    cycle.fields = fields;
    ++cycle.count;
    cycle.objects += nodes.size();
    for (std::size_t node : nodes) {
      const std::string& made = site(node);
      if (!made.empty() && std::find(cycle.sites.begin(), cycle.sites.end(),
                                     made) == cycle.sites.end()) {
        cycle.sites.push_back(made);
      }
    }
  }
  std::vector<Cycle> cycles;
  for (auto& [key, cycle] : shapes) {
    std::sort(cycle.sites.begin(), cycle.sites.end());
    cycles.push_back(std::move(cycle));
  }
  std::stable_sort(
      cycles.begin(), cycles.end(),
      [](const Cycle& a, const Cycle& b) { return a.objects > b.objects; });
  return cycles;
}

}  // namespace tenure::detail
