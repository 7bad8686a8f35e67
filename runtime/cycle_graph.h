// The cycle finder behind verify::find_cycles, over any graph of numbered
// nodes: the collector's garbage, or the SharedObject registry's snapshot.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tenure/cycles.h"

namespace tenure::detail {

// edges[i]: the (field, target node) handles node i holds.
using EdgeLists = std::vector<std::vector<std::pair<std::string, std::size_t>>>;

// The strongly connected components of the graph that contain a cycle,
// grouped by shape, as find_cycles documents; `type(i)` and `site(i)` name
// node i ("" for an unknown site). With `on_cycle`, (*on_cycle)[i] says
// whether node i belongs to one of them.
std::vector<verify::Cycle> cycles_of(
    const EdgeLists& edges,
    const std::function<const std::string&(std::size_t)>& type,
    const std::function<const std::string&(std::size_t)>& site,
    std::vector<bool>* on_cycle = nullptr);

}  // namespace tenure::detail
