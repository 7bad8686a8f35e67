// The allocation workload every allocator in the comparison runs: the same
// request sizes in the same order, freed in the same two orders. Each
// allocator brings only its allocate and free calls.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

namespace tenure::bench {

// Blocks alive at once in one round: enough to leave the first cache level,
// few enough that the workload measures allocation, not memory traffic.
inline constexpr std::size_t kBatch = 4096;
// Turns each allocator takes per free order.
inline constexpr int kTurns = 15;

enum class Order { kLifo, kShuffled };
inline const char* order_name(Order order) {
  return order == Order::kLifo ? "lifo" : "shuffled";
}

struct Workload {
  std::vector<std::uint32_t> sizes;       // 16..512 bytes, uniform
  std::vector<std::uint32_t> free_order;  // a permutation of the batch

  Workload() : sizes(kBatch), free_order(kBatch) {
    std::mt19937 random(20261121);
    std::uniform_int_distribution<std::uint32_t> size(16, 512);
    for (std::uint32_t& s : sizes) s = size(random);
    std::iota(free_order.begin(), free_order.end(), 0u);
    std::shuffle(free_order.begin(), free_order.end(), random);
  }
};

// Runs `rounds` rounds of kBatch allocations (each block's first byte
// written, as a constructor would) followed by kBatch frees in `order`, and
// returns the nanoseconds of CPU time per allocate+free pair. One call is
// one turn: the comparison alternates allocators turn by turn and compares
// medians.
template <class Allocate, class Free>
double time_pairs(const Workload& work, Order order, int rounds,
                  Allocate allocate, Free free) {
  std::vector<void*> blocks(kBatch);
  auto cpu_ns = [] {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e9 + double(t.tv_nsec);
  };
  double start = cpu_ns();
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      auto* p = static_cast<unsigned char*>(allocate(work.sizes[i]));
      *p = static_cast<unsigned char>(i);
      blocks[i] = p;
    }
    if (order == Order::kLifo) {
      for (std::size_t i = kBatch; i-- > 0;) free(blocks[i], work.sizes[i]);
    } else {
      for (std::uint32_t i : work.free_order) free(blocks[i], work.sizes[i]);
    }
  }
  return (cpu_ns() - start) / (double(rounds) * kBatch);
}

inline constexpr int kRounds = 200;

}  // namespace tenure::bench
