// The cycle collector's costs, and CPython's gc beside them.
//
//   RATIO gc_vs_cpython <CPython ns per object / tenure ns per object>
//     full collections of the same live graphs (rings, trees whose nodes hold
//     their parent, random graphs; 10^5 and 10^6 objects), the geometric mean
//     over the six graphs; CPython's figures come from bench/gc_shapes.py,
//     run by this program. Both sides count CPU time: on a shared machine
//     wall time mostly measures the neighbours. Skipped, with a message,
//     without python3.
//   RATIO young_gc_old_heap_growth <gen-0 time, 10^6 old / 10^4 old>
//     a generation-0 collection must not scan the old heap: goal <= 1.5.
// The table also shows the pause of a generation-0 collection at the
// default threshold (700 young objects) over a 10^6-object old heap.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tenure/tenure.h"

namespace {

struct Node : tenure::Object {
  tenure::Ref<Node> a, b, c;
  void trace(tenure::Tracer& t) override {
    t("a", a);
    t("b", b);
    t("c", c);
  }
};

// The same generator as gc_shapes.py's lcg.
std::uint64_t NextRandom(std::uint64_t state) {
  return state * 6364136223846793005ull + 1442695040888963407ull;
}

// Builds one of gc_shapes.py's graphs and returns its root.
tenure::Ref<Node> Build(const std::string& shape, std::size_t n) {
  std::vector<tenure::Ref<Node>> nodes;
  nodes.reserve(n);
  for (std::size_t i = 0; i < n; ++i) nodes.push_back(tenure::make<Node>());
  if (shape == "ring") {
    for (std::size_t i = 0; i < n; ++i) nodes[i]->a = nodes[(i + 1) % n];
  } else if (shape == "tree") {
    for (std::size_t i = 0; i < n; ++i) {
      if (2 * i + 1 < n) nodes[i]->a = nodes[2 * i + 1];
      if (2 * i + 2 < n) nodes[i]->b = nodes[2 * i + 2];
      if (i > 0) nodes[i]->c = nodes[(i - 1) / 2];
    }
  } else {  // random
    std::uint64_t state = 42;
    for (std::size_t i = 0; i < n; ++i) {
      if (i + 1 < n) nodes[i]->a = nodes[i + 1];
      state = NextRandom(state);
      nodes[i]->b = nodes[(state >> 33) % n];
      state = NextRandom(state);
      nodes[i]->c = nodes[(state >> 33) % n];
    }
  }
  return nodes[0];
}

const char* const kShapes[] = {"ring", "tree", "random"};
const std::size_t kSizes[] = {100000, 1000000};

// ns per tracked object of a full collection, by "<shape> <n>".
std::map<std::string, double> g_tenure_ns_per_object;

void FullCollection(benchmark::State& state, std::string shape) {
  auto n = static_cast<std::size_t>(state.range(0));
  tenure::gc::disable();
  tenure::Ref<Node> root = Build(shape, n);
  tenure::gc::collect();
  double tracked = static_cast<double>(tenure::gc::tracked_count());
  for (auto _ : state) benchmark::DoNotOptimize(tenure::gc::collect());
  root.reset();
  tenure::gc::collect();
  tenure::gc::enable();
  state.counters["objects"] = tracked;
}

// A generation-0 collection of `young` new objects (half of them cyclic
// garbage, half kept and pointing into the old heap) with `old` objects
// alive in the oldest generation. Only the collection is timed.
void YoungCollection(benchmark::State& state) {
  auto old_count = static_cast<std::size_t>(state.range(0));
  auto young = static_cast<std::size_t>(state.range(1));
  tenure::gc::disable();
  std::vector<tenure::Ref<Node>> old;
  old.reserve(old_count);
  for (std::size_t i = 0; i < old_count; ++i) {
    old.push_back(tenure::make<Node>());
    if (i > 0) old[i]->a = old[i - 1];
  }
  tenure::gc::collect();
  std::vector<tenure::Ref<Node>> kept;
  std::uint64_t random = 7;
  for (auto _ : state) {
    for (std::size_t i = 0; i < young / 2; ++i) {
      tenure::Ref<Node> cycle = tenure::make<Node>();
      cycle->a = cycle;
      tenure::Ref<Node> node = tenure::make<Node>();
      random = NextRandom(random);
      node->b = old[(random >> 33) % old_count];
      kept.push_back(std::move(node));
    }
    auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(tenure::gc::collect(0));
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    kept.clear();
    tenure::gc::collect(1);  // untimed: keeps generation 1 from growing
  }
  old.clear();
  tenure::gc::collect();
  tenure::gc::enable();
}

// Grows a chain of 10^6 or 4*10^6 nodes with automatic collection on
// (default thresholds)
// or off: the difference is what the automatic collections cost while a
// structure grows, which CPython's long-lived-pending rule keeps linear.
void Growth(benchmark::State& state) {
  bool collect = state.range(0) != 0;
  const auto kNodes = static_cast<int>(state.range(1));
  if (!collect) tenure::gc::disable();
  for (auto _ : state) {
    tenure::Ref<Node> head;
    for (int i = 0; i < kNodes; ++i) {
      tenure::Ref<Node> node = tenure::make<Node>();
      node->a = std::move(head);
      head = std::move(node);
    }
    benchmark::DoNotOptimize(head);
  }
  tenure::gc::enable();
  state.SetItemsProcessed(state.iterations() * kNodes);
}

void RegisterAll() {
  for (std::int64_t nodes : {1000000, 4000000}) {
    benchmark::RegisterBenchmark("grow_chain/gc_on", Growth)
        ->Args({1, nodes})->Iterations(2)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("grow_chain/gc_off", Growth)
        ->Args({0, nodes})->Iterations(2)->Unit(benchmark::kMillisecond);
  }
  for (const char* shape : kShapes) {
    for (std::size_t n : kSizes) {
      benchmark::RegisterBenchmark(
          (std::string("gc_full/") + shape).c_str(), FullCollection,
          std::string(shape))
          ->Arg(static_cast<std::int64_t>(n))
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (std::int64_t old : {10000, 1000000}) {
    // The fastest of five repetitions: on a shared machine the slower ones
    // measure the neighbours' cache traffic more than the collector.
    benchmark::RegisterBenchmark("gc_young", YoungCollection)
        ->Args({old, 700})
        ->UseManualTime()
        ->Repetitions(5)
        ->MinTime(0.2)
        ->Unit(benchmark::kMicrosecond);
  }
}

// The table as usual, keeping the figures the RATIO lines need.
class GcReporter : public benchmark::ConsoleReporter {
 public:
  GcReporter()
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      std::string name = run.benchmark_name();
      if (name.rfind("gc_full/", 0) == 0) {
        // "gc_full/<shape>/<n>"
        std::string rest = name.substr(8);
        std::size_t slash = rest.find('/');
        std::string key = rest.substr(0, slash) + " " + rest.substr(slash + 1);
        double seconds = run.cpu_accumulated_time /
                         static_cast<double>(run.iterations);
        g_tenure_ns_per_object[key] =
            seconds * 1e9 / run.counters.at("objects").value;
      } else if (name.rfind("gc_young/", 0) == 0) {
        // Keyed by the old heap's size: "gc_young/<old>/<young>/...".
        std::string old = name.substr(9, name.find('/', 9) - 9);
        auto [it, added] = young_.emplace(old, run.GetAdjustedRealTime());
        if (!added) it->second = std::min(it->second, run.GetAdjustedRealTime());
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void PrintYoungRatio() const {
    auto small = young_.find("10000");
    auto large = young_.find("1000000");
    if (small == young_.end() || large == young_.end()) return;
    std::printf("gen-0 pause at threshold 700 with 10^6 old objects "
                "(fastest of 5): %.1f us\n",
                large->second);
    std::printf("RATIO young_gc_old_heap_growth %.2f\n",
                large->second / small->second);
  }

 private:
  std::map<std::string, double> young_;
};

#ifdef TENURE_PYTHON
// Runs gc_shapes.py and returns CPython's ns per object by "<shape> <n>".
std::map<std::string, double> RunCPython() {
  std::map<std::string, double> result;
  std::string command = std::string(TENURE_PYTHON) + " " + TENURE_GC_SHAPES;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char shape[32];
  unsigned long n = 0, tracked = 0;
  double ns = 0;
  while (std::fscanf(pipe, "%31s %lu %lu %lf", shape, &n, &tracked, &ns) == 4) {
    result[std::string(shape) + " " + std::to_string(n)] = ns;
  }
  if (pclose(pipe) != 0) result.clear();
  return result;
}
#endif

void PrintCPythonRatio() {
#ifdef TENURE_PYTHON
  std::map<std::string, double> cpython = RunCPython();
  if (cpython.empty()) {
    std::printf("gc_vs_cpython: skipped, %s %s failed\n", TENURE_PYTHON,
                TENURE_GC_SHAPES);
    return;
  }
  double log_sum = 0;
  int pairs = 0;
  for (const auto& [key, tenure_ns] : g_tenure_ns_per_object) {
    auto peer = cpython.find(key);
    if (peer == cpython.end()) continue;
    std::printf("gc_vs_cpython %-14s cpython %7.2f ns/object  tenure %7.2f "
                "ns/object  ratio %.2f\n",
                key.c_str(), peer->second, tenure_ns, peer->second / tenure_ns);
    log_sum += std::log(peer->second / tenure_ns);
    ++pairs;
  }
  if (pairs > 0) {
    std::printf("RATIO gc_vs_cpython %.2f\n", std::exp(log_sum / pairs));
  }
#else
  std::printf("gc_vs_cpython: skipped, python3 was not found at configure "
              "time\n");
#endif
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterAll();
  GcReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintYoungRatio();
  PrintCPythonRatio();
  benchmark::Shutdown();
  return 0;
}
