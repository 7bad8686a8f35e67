// Property test: random object graphs against a reachability oracle. After
// any collection every object reachable from a root is alive and untouched;
// after a full collection exactly the unreachable objects are gone.
#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <vector>

#include "tenure/tenure.h"

namespace tenure::test {
namespace {

struct World;

class GraphNode : public Object {
 public:
  GraphNode(World& world, std::size_t id);
  ~GraphNode() override;
  void trace(Tracer& t) override { t("edges", edges); }

  World& world;
  std::size_t id;
  std::vector<Ref<GraphNode>> edges;
};

// The model: which nodes exist and where they point, by id.
struct World {
  std::vector<GraphNode*> alive;  // nullptr once destroyed
  std::vector<Ref<GraphNode>> roots;

  std::vector<bool> reachable() const {
    std::vector<bool> seen(alive.size(), false);
    std::vector<std::size_t> stack;
    for (const Ref<GraphNode>& root : roots) {
      if (root && !seen[root->id]) {
        seen[root->id] = true;
        stack.push_back(root->id);
      }
    }
    while (!stack.empty()) {
      GraphNode* node = alive[stack.back()];
      stack.pop_back();
      for (const Ref<GraphNode>& edge : node->edges) {
        if (!seen[edge->id]) {
          seen[edge->id] = true;
          stack.push_back(edge->id);
        }
      }
    }
    return seen;
  }
};

GraphNode::GraphNode(World& world, std::size_t id) : world(world), id(id) {
  world.alive[id] = this;
}
GraphNode::~GraphNode() { world.alive[id] = nullptr; }

class Graphs {
 public:
  explicit Graphs(unsigned seed) : rng_(seed) {}

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  GraphNode* random_alive(World& world) {
    if (world.alive.empty()) return nullptr;
    for (int tries = 0; tries < 8; ++tries) {
      if (GraphNode* node = world.alive[pick(world.alive.size())]) return node;
    }
    return nullptr;
  }

  Ref<GraphNode> add_node(World& world) {
    world.alive.push_back(nullptr);
    return make<GraphNode>(world, world.alive.size() - 1);
  }

  // One random change: a new node, an edge added or removed, a root moved.
  void mutate(World& world) {
    switch (pick(5)) {
      case 0: {
        Ref<GraphNode> node = add_node(world);
        if (GraphNode* from = random_alive(world))
          from->edges.push_back(node);
        else
          world.roots[pick(world.roots.size())] = node;
        break;
      }
      case 1:
      case 2: {
        GraphNode* from = random_alive(world);
        GraphNode* to = random_alive(world);
        if (from && to) from->edges.push_back(Ref<GraphNode>::from_this(to));
        break;
      }
      case 3: {
        GraphNode* from = random_alive(world);
        if (from && !from->edges.empty()) {
          // Moved out first: the edge may be all that keeps `from` alive.
          auto at = from->edges.begin() + pick(from->edges.size());
          Ref<GraphNode> dropped = std::move(*at);
          from->edges.erase(at);
        }
        break;
      }
      case 4: {
        GraphNode* to = random_alive(world);
        Ref<GraphNode>& root = world.roots[pick(world.roots.size())];
        if (to && pick(2))
          root = Ref<GraphNode>::from_this(to);
        else
          root.reset();
        break;
      }
    }
  }

 private:
  std::mt19937 rng_;
};

// Edges of every node, by id, to check that survivors were not touched.
std::vector<std::vector<std::size_t>> edges_of(const World& world) {
  std::vector<std::vector<std::size_t>> edges(world.alive.size());
  for (const GraphNode* node : world.alive) {
    if (!node) continue;
    for (const Ref<GraphNode>& edge : node->edges) {
      edges[node->id].push_back(edge->id);
    }
  }
  return edges;
}

TEST(CollectorPropertyTest, ExactlyTheUnreachableDie) {
  constexpr int kGraphs = 2000;
  auto saved = gc::get_threshold();
  for (int g = 0; g < kGraphs; ++g) {
    Graphs graphs(1000 + g);
    // A third of the graphs also run with a tiny threshold, so automatic
    // young collections interleave with the mutations.
    if (g % 3 == 0)
      gc::set_threshold(7, 3, 3);
    else
      gc::set_threshold(0);
    World world;
    world.roots.resize(1 + graphs.pick(4));
    std::size_t initial = 1 + graphs.pick(40);
    for (std::size_t i = 0; i < initial; ++i) graphs.mutate(world);
    for (int round = 0; round < 4; ++round) {
      std::size_t changes = graphs.pick(30);
      for (std::size_t i = 0; i < changes; ++i) graphs.mutate(world);
      int generation = static_cast<int>(graphs.pick(3));
      std::vector<bool> expected = world.reachable();
      auto before = edges_of(world);
      gc::collect(generation);
      for (std::size_t id = 0; id < world.alive.size(); ++id) {
        if (expected[id]) {
          ASSERT_NE(world.alive[id], nullptr)
              << "graph " << g << " round " << round << ": reachable node "
              << id << " was freed by a generation-" << generation
              << " collection";
        }
        if (world.alive[id]) {
          ASSERT_EQ(edges_of(world)[id], before[id])
              << "graph " << g << ": a surviving node's edges changed";
        }
        if (generation == 2) {
          ASSERT_EQ(world.alive[id] != nullptr, expected[id])
              << "graph " << g << " round " << round << ": node " << id
              << (expected[id]
                      ? " reachable but freed"
                      : " unreachable but alive after a full collection");
        }
      }
    }
    world.roots.clear();
    gc::collect();
    for (GraphNode* node : world.alive) ASSERT_EQ(node, nullptr);
  }
  gc::set_threshold(saved[0], saved[1], saved[2]);
}

// Graphs large enough that the collector's queues of pending edges (a few
// dozen deep) fill and overflow many times, in the orders that stress them:
// edges far ahead of the scan (trees), far behind it (chains made tail
// first), between neighbours in memory (chains made head first) and at
// random; some of each graph held, the rest garbage.
TEST(CollectorPropertyTest, LargeGraphsAgainstTheOracle) {
  gc::disable();
  for (unsigned seed = 1; seed <= 8; ++seed) {
    Graphs graphs(seed);
    World world;
    constexpr std::size_t kNodes = 3000;
    std::vector<Ref<GraphNode>> made;
    for (std::size_t i = 0; i < kNodes; ++i)
      made.push_back(graphs.add_node(world));
    for (std::size_t i = 0; i < kNodes; ++i) {
      std::vector<Ref<GraphNode>>& edges = made[i]->edges;
      switch (seed % 4) {
        case 0:  // a tree whose nodes hold their parent
          if (2 * i + 1 < kNodes) edges.push_back(made[2 * i + 1]);
          if (2 * i + 2 < kNodes) edges.push_back(made[2 * i + 2]);
          if (i > 0) edges.push_back(made[(i - 1) / 2]);
          break;
        case 1:  // a chain from the last node to the first
          if (i > 0) edges.push_back(made[i - 1]);
          break;
        case 2:  // a chain from the first, and back edges
          if (i + 1 < kNodes) edges.push_back(made[i + 1]);
          if (i % 7 == 0) edges.push_back(made[graphs.pick(i + 1)]);
          break;
        case 3:  // random
          for (int e = 0; e < 3; ++e)
            edges.push_back(made[graphs.pick(kNodes)]);
          break;
      }
    }
    world.roots.push_back(made[(seed % 4 == 1) ? kNodes - 1 : 0]);
    for (int extra = 0; extra < 3; ++extra) {
      world.roots.push_back(made[graphs.pick(kNodes)]);
    }
    // Some of the edges cut, so that part of each graph is garbage.
    for (std::size_t cut = 0; cut < kNodes / 10; ++cut) {
      std::vector<Ref<GraphNode>>& edges = made[graphs.pick(kNodes)]->edges;
      if (!edges.empty()) edges.pop_back();
    }
    made.clear();
    for (int generation : {0, 2, 2}) {
      std::vector<bool> expected = world.reachable();
      auto before = edges_of(world);
      gc::collect(generation);
      auto after = edges_of(world);
      for (std::size_t id = 0; id < world.alive.size(); ++id) {
        ASSERT_EQ(world.alive[id] != nullptr, expected[id])
            << "seed " << seed << ", generation " << generation << ": node "
            << id
            << (expected[id] ? " reachable but freed"
                             : " unreachable but alive");
        if (world.alive[id]) {
          ASSERT_EQ(after[id], before[id]) << "seed " << seed;
        }
      }
    }
    world.roots.clear();
    gc::collect();
    for (GraphNode* node : world.alive) ASSERT_EQ(node, nullptr);
  }
  gc::enable();
}

}  // namespace
}  // namespace tenure::test
