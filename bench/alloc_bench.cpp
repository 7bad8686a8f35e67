// tenure's pooled allocator side by side with the allocators people use:
// glibc malloc in this process, mimalloc, jemalloc and tcmalloc each in a
// process of its own (tenure-alloc-peer-*), all running alloc_workload.h.
// Prints a table, then for each peer
//   RATIO pool_vs_<peer> <geometric mean over the free orders of
//                         peer time / tenure time>
// and the resident memory left after allocating and freeing 1 GiB.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alloc_workload.h"
#include "tenure/pool.h"

namespace {

using tenure::bench::Order;
using Times = std::map<Order, double>;  // ns per pair

Times run_in_process(void* (*allocate)(std::size_t),
                     void (*free)(void*, std::size_t)) {
  tenure::bench::Workload work;
  Times times;
  for (Order order : {Order::kLifo, Order::kShuffled}) {
    times[order] = tenure::bench::time_pairs(work, order,
                                             tenure::bench::kRounds, allocate,
                                             free);
  }
  return times;
}

void* tenure_allocate(std::size_t size) {
  return tenure::pool::allocate(size);
}
void tenure_free(void* p, std::size_t size) {
  tenure::pool::deallocate(p, size);
}
void* glibc_allocate(std::size_t size) { return std::malloc(size); }
void glibc_free(void* p, std::size_t) { std::free(p); }

// Runs a peer program and reads its "TIME <order> <ns>" lines.
std::optional<Times> run_peer(const char* path) {
  FILE* out = popen(path, "r");
  if (!out) return std::nullopt;
  Times times;
  char order[32];
  double ns;
  while (std::fscanf(out, " TIME %31s %lf", order, &ns) == 2) {
    times[std::string(order) == "lifo" ? Order::kLifo : Order::kShuffled] = ns;
  }
  if (pclose(out) != 0 || times.size() != 2) return std::nullopt;
  return times;
}

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
  std::printf("RSS %-8s 1 GiB in 64-byte blocks: peak %6.1f MiB, after "
              "freeing all %6.1f MiB (%.1f%% of peak)\n",
              name, peak / 1048576.0, after / 1048576.0, 100.0 * after / peak);
}

}  // namespace

int main() {
  std::printf("alloc+free pairs, %zu live blocks of 16..512 B per round, "
              "best of 3 turns of %d runs, ns per pair\n",
              tenure::bench::kBatch, tenure::bench::kRepetitions);
  struct Peer {
    const char* name;
    const char* path;
  };
  std::vector<Peer> peers = {
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
  for (const Peer& peer : peers) {
    if (!peer.path) {
      std::printf("%-10s skipped: not found when the build was configured\n",
                  peer.name);
    }
  }

  // The allocators take turns, three times over, and each keeps its best
  // time: on a shared machine a burst of load then hurts no one alone.
  std::map<std::string, std::optional<Times>> results;
  auto keep_best = [&](const std::string& name, std::optional<Times> times) {
    std::optional<Times>& best = results[name];
    if (!times) return;
    if (!best) {
      best = times;
      return;
    }
    for (auto& [order, ns] : *best) ns = std::min(ns, times->at(order));
  };
  std::vector<std::string> failed;
  for (int turn = 0; turn < 3; ++turn) {
    keep_best("tenure", run_in_process(tenure_allocate, tenure_free));
    keep_best("glibc", run_in_process(glibc_allocate, glibc_free));
    for (const Peer& peer : peers) {
      if (!peer.path) continue;
      std::optional<Times> times = run_peer(peer.path);
      if (!times) failed.push_back(peer.name);
      keep_best(peer.name, times);
    }
  }
  for (const std::string& name : failed) {
    std::printf("%-10s failed to run once\n", name.c_str());
  }

  const Times& tenure = *results["tenure"];
  std::printf("%-10s %10s %10s %12s\n", "allocator", "lifo", "shuffled",
              "vs tenure");
  std::vector<std::string> ratios;
  for (const char* name : {"tenure", "glibc", "mimalloc", "jemalloc",
                           "tcmalloc"}) {
    auto found = results.find(name);
    if (found == results.end() || !found->second) continue;
    const Times& t = *found->second;
    double ratio = std::sqrt(t.at(Order::kLifo) / tenure.at(Order::kLifo) *
                             t.at(Order::kShuffled) /
                             tenure.at(Order::kShuffled));
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
