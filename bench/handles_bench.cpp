// Handle costs side by side with the standard library's, in one run (the
// RATIO lines are explained in ratio_reporter.h).
#include <benchmark/benchmark.h>

#include <memory>
#include <thread>

#include "intern_bench.h"
#include "ratio_reporter.h"
#include "tenure/tenure.h"

namespace {

struct Leaf : tenure::Object {
  int value = 0;
};
struct SharedLeaf : tenure::SharedObject {
  int value = 0;
};
struct PlainLeaf {
  virtual ~PlainLeaf() = default;
  int value = 0;
};

// Copy and destroy a handle: tenure::Ref's count is not atomic, while
// std::shared_ptr's is (main() starts a thread first, so the standard
// library cannot take its single-threaded shortcut).
void copy_tenure(benchmark::State& state) {
  tenure::Ref<Leaf> original = tenure::make<Leaf>();
  for (auto _ : state) {
    tenure::Ref<Leaf> copy = original;
    benchmark::DoNotOptimize(copy);
  }
}
void copy_shared_ptr(benchmark::State& state) {
  std::shared_ptr<PlainLeaf> original = std::make_shared<PlainLeaf>();
  for (auto _ : state) {
    std::shared_ptr<PlainLeaf> copy = original;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(copy_tenure)->Name("ref_vs_shared_ptr/tenure");
BENCHMARK(copy_shared_ptr)->Name("ref_vs_shared_ptr/shared_ptr");

// The floor: a bare intrusive handle with a plain count and nothing else.
// Outside verification mode (TENURE_VERIFY off, this build) a Ref copy must
// cost the same: RATIO copy_bare_intrusive near 1 shows that the per-site
// copy counting leaves no trace when it is off.
struct BareLeaf {
  virtual ~BareLeaf() = default;
  std::uint32_t count = 1;
};
class BareRef {
 public:
  explicit BareRef(BareLeaf* p) : p_(p) {}
  BareRef(const BareRef& other) : p_(other.p_) { ++p_->count; }
  BareRef& operator=(const BareRef&) = delete;
  ~BareRef() {
    if (--p_->count == 0) delete p_;
  }

 private:
  BareLeaf* p_;
};
void copy_bare_intrusive(benchmark::State& state) {
  BareRef original(new BareLeaf);
  for (auto _ : state) {
    BareRef copy = original;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(copy_bare_intrusive)->Name("copy/bare_intrusive");

// The same for objects shared across threads: both counts are atomic.
void shared_copy_tenure(benchmark::State& state) {
  tenure::Ref<SharedLeaf> original = tenure::make<SharedLeaf>();
  for (auto _ : state) {
    tenure::Ref<SharedLeaf> copy = original;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(shared_copy_tenure)->Name("shared_copy/tenure");
BENCHMARK(copy_shared_ptr)->Name("shared_copy/shared_ptr");

// Create and drop one object: allocation, header set-up, tracking.
void make_tenure(benchmark::State& state) {
  for (auto _ : state) {
    tenure::Ref<Leaf> leaf = tenure::make<Leaf>();
    benchmark::DoNotOptimize(leaf);
  }
}
void make_shared_ptr(benchmark::State& state) {
  for (auto _ : state) {
    std::shared_ptr<PlainLeaf> leaf = std::make_shared<PlainLeaf>();
    benchmark::DoNotOptimize(leaf);
  }
}
BENCHMARK(make_tenure)->Name("make/tenure");
BENCHMARK(make_shared_ptr)->Name("make/shared_ptr");

// Build and drop a 10,000-node chain (iterative destruction for tenure).
struct Link : tenure::Object {
  tenure::Ref<Link> next;
  void trace(tenure::Tracer& t) override { t(next); }
};
struct PlainLink {
  std::shared_ptr<PlainLink> next;
};
constexpr int kChain = 10'000;
void chain_tenure(benchmark::State& state) {
  for (auto _ : state) {
    tenure::Ref<Link> head;
    for (int i = 0; i < kChain; ++i) {
      tenure::Ref<Link> link = tenure::make<Link>();
      link->next = std::move(head);
      head = std::move(link);
    }
    benchmark::DoNotOptimize(head);
  }
  state.SetItemsProcessed(state.iterations() * kChain);
}
void chain_shared_ptr(benchmark::State& state) {
  for (auto _ : state) {
    std::shared_ptr<PlainLink> head;
    for (int i = 0; i < kChain; ++i) {
      auto link = std::make_shared<PlainLink>();
      link->next = std::move(head);
      head = std::move(link);
    }
    benchmark::DoNotOptimize(head);
  }
  state.SetItemsProcessed(state.iterations() * kChain);
}
BENCHMARK(chain_tenure)->Name("chain10k/tenure");
BENCHMARK(chain_shared_ptr)->Name("chain10k/shared_ptr");

// The same with automatic collection off: what the collector's allocation-
// triggered passes over the growing chain cost, separately from the handles.
void chain_tenure_gc_off(benchmark::State& state) {
  tenure::gc::disable();
  chain_tenure(state);
  tenure::gc::enable();
}
BENCHMARK(chain_tenure_gc_off)->Name("chain10k_gc_off/tenure");
BENCHMARK(chain_shared_ptr)->Name("chain10k_gc_off/shared_ptr");

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // A program that has started a thread: shared_ptr counts atomically.
  std::thread([] {}).join();
  tenure::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  tenure::bench::run_intern_turns();
  benchmark::Shutdown();
  return 0;
}
