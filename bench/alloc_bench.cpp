// tenure's pooled allocator side by side with the allocators people use:
// glibc malloc in this process, mimalloc, jemalloc and tcmalloc each in a
// process of its own (tenure-alloc-peer-*, started once and asked for one
// turn at a time), all running alloc_workload.h. The allocators take turns
// (tenure, glibc, the peers, and the next turn in another order) kTurns
// times per free order, on one CPU, in CPU time, and each keeps its median:
// machine load lands on all of them alike. Prints a table, then for each peer
//   RATIO pool_vs_<peer> <geometric mean over the free orders of
//                         peer median / tenure median>
// and the resident memory left after allocating and freeing 1 GiB.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alloc_workload.h"
#include "tenure/pool.h"
#include "turns.h"

namespace {

using tenure::bench::Order;
using Times = std::map<Order, double>;  // ns per pair

void* tenure_allocate(std::size_t size) { return tenure::pool::allocate(size); }
void tenure_free(void* p, std::size_t size) {
  tenure::pool::deallocate(p, size);
}
void* glibc_allocate(std::size_t size) { return std::malloc(size); }
void glibc_free(void* p, std::size_t) { std::free(p); }

std::size_t resident_bytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (!statm || std::fscanf(statm, "%lu %lu", &size, &resident) != 2) {
    std::fprintf(stderr, "alloc-bench: cannot read /proc/self/statm\n");
    std::exit(1);
  }
  std::fclose(statm);
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// Allocates 1 GiB in 64-byte blocks (linked through themselves, so the
// bookkeeping costs no memory of its own), frees them all and reports the
// resident memory at the peak and after, above what the process had before.
void report_rss(const char* name, void* (*allocate)(std::size_t),
                void (*free)(void*, std::size_t), void (*settle)()) {
  constexpr std::size_t kBlock = 64;
  constexpr std::size_t kCount = (std::size_t{1} << 30) / kBlock;
  std::size_t base = resident_bytes();
  void* head = nullptr;
  for (std::size_t i = 0; i < kCount; ++i) {
    void* p = allocate(kBlock);
    *static_cast<void**>(p) = head;
    head = p;
  }
  std::size_t peak = resident_bytes() - base;
  while (head) {
    void* next = *static_cast<void**>(head);
    free(head, kBlock);
    head = next;
  }
  if (settle) settle();
  std::size_t after = resident_bytes();
  after = after > base ? after - base : 0;
  std::printf(
      "RSS %-8s 1 GiB in 64-byte blocks: peak %6.1f MiB, after "
      "freeing all %6.1f MiB (%.1f%% of peak)\n",
      name, peak / 1048576.0, after / 1048576.0, 100.0 * after / peak);
}

}  // namespace

int main() {
  std::printf(
      "alloc+free pairs, %zu live blocks of 16..512 B per round, "
      "median of %d turns taken in alternation, ns of CPU time per "
      "pair\n",
      tenure::bench::kBatch, tenure::bench::kTurns);
  struct Allocator {
    const char* name;
    const char* path;  // a peer program, or null for one in this process
    void* (*allocate)(std::size_t) = nullptr;
    void (*free)(void*, std::size_t) = nullptr;
    std::unique_ptr<tenure::bench::ChildProcess> child;
    std::map<Order, std::vector<double>> turns;
  };
  std::vector<Allocator> allocators;
  allocators.push_back(
      {"tenure", nullptr, tenure_allocate, tenure_free, nullptr, {}});
  allocators.push_back(
      {"glibc", nullptr, glibc_allocate, glibc_free, nullptr, {}});
  const std::pair<const char*, const char*> peers[] = {
#ifdef TENURE_PEER_MIMALLOC_PATH
      {"mimalloc", TENURE_PEER_MIMALLOC_PATH},
#else
      {"mimalloc", nullptr},
#endif
#ifdef TENURE_PEER_JEMALLOC_PATH
      {"jemalloc", TENURE_PEER_JEMALLOC_PATH},
#else
      {"jemalloc", nullptr},
#endif
#ifdef TENURE_PEER_TCMALLOC_PATH
      {"tcmalloc", TENURE_PEER_TCMALLOC_PATH},
#else
      {"tcmalloc", nullptr},
#endif
  };
  if (int cpu = tenure::bench::StayOnThisCpu(); cpu >= 0) {
    std::printf("every allocator's turns on CPU %d\n", cpu);
  }
  for (auto [name, path] : peers) {
    if (!path) {
      std::printf("%-10s skipped: not found when the build was configured\n",
                  name);
      continue;
    }
    auto child = std::make_unique<tenure::bench::ChildProcess>();
    if (!child->Start({path})) {
      std::printf("%-10s skipped: cannot run %s\n", name, path);
      continue;
    }
    allocators.push_back({name, path, nullptr, nullptr, nullptr, {}});
    allocators.back().child = std::move(child);
  }

  tenure::bench::Workload work;
  std::vector<std::string> failed;
  for (int turn = 0; turn < tenure::bench::kTurns; ++turn) {
    for (Order order : {Order::kLifo, Order::kShuffled}) {
      for (std::size_t k = 0; k < allocators.size(); ++k) {
        // Each turn starts with another allocator.
        Allocator& a = allocators[(k + turn) % allocators.size()];
        if (!a.child) {
          a.turns[order].push_back(tenure::bench::time_pairs(
              work, order, tenure::bench::kRounds, a.allocate, a.free));
          continue;
        }
        double ns = 0;
        std::string answer = a.child->Ask(tenure::bench::order_name(order));
        if (std::sscanf(answer.c_str(), "%lf", &ns) == 1) {
          a.turns[order].push_back(ns);
        } else if (std::find(failed.begin(), failed.end(), a.name) ==
                   failed.end()) {
          failed.push_back(a.name);
        }
      }
    }
  }
  for (const std::string& name : failed) {
    std::printf("%-10s failed to answer a turn\n", name.c_str());
  }
  std::map<std::string, std::optional<Times>> results;
  for (Allocator& a : allocators) {
    if (a.turns[Order::kLifo].empty() || a.turns[Order::kShuffled].empty()) {
      continue;
    }
    results[a.name] = Times{
        {Order::kLifo, tenure::bench::median(a.turns[Order::kLifo])},
        {Order::kShuffled, tenure::bench::median(a.turns[Order::kShuffled])}};
  }
  allocators.clear();  // the peers end before the RSS measurement

  const Times& tenure = *results["tenure"];
  std::printf("%-10s %10s %10s %12s\n", "allocator", "lifo", "shuffled",
              "vs tenure");
  std::vector<std::string> ratios;
  for (const char* name :
       {"tenure", "glibc", "mimalloc", "jemalloc", "tcmalloc"}) {
    auto found = results.find(name);
    if (found == results.end() || !found->second) continue;
    const Times& t = *found->second;
    double ratio =
        std::sqrt(t.at(Order::kLifo) / tenure.at(Order::kLifo) *
                  t.at(Order::kShuffled) / tenure.at(Order::kShuffled));
    std::printf("%-10s %10.2f %10.2f %11.2fx\n", name, t.at(Order::kLifo),
                t.at(Order::kShuffled), ratio);
    if (std::string(name) != "tenure") {
      char line[96];
      std::snprintf(line, sizeof line, "RATIO pool_vs_%s %.2f", name, ratio);
      ratios.push_back(line);
    }
  }
  report_rss("tenure", tenure_allocate, tenure_free,
             [] { tenure::pool::trim(); });
  report_rss("glibc", glibc_allocate, glibc_free, nullptr);
  for (const std::string& line : ratios) std::printf("%s\n", line.c_str());
  return 0;
}
