// Interning against the hash set people reach for: looking up strings that
// are already there. tenure::intern finds the Symbol without a lock; the
// peer does find-or-insert in an absl::flat_hash_set<std::string>. Both run
// in this process and take turns (tenure, absl, then absl first), in CPU
// time, and each keeps its median (bench/turns.h), two ways:
//   RATIO intern_vs_absl_set               the same 10,000 strings again and
//                                          again, from the same storage
//   RATIO intern_new_storage_vs_absl_set   the same texts, each time from
//                                          storage not seen lately (16 copies
//                                          of the list, 160,000 places, taken
//                                          in turn), as a tokenizer walking a
//                                          file interns: a cache keyed by the
//                                          caller's storage would miss here
#include "intern_bench.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "tenure/symbol.h"
#include "turns.h"

namespace tenure::bench {
namespace {

// 10,000 identifier-like strings of 6 to 30 characters, in a random order.
std::vector<std::string> make_words() {
  std::vector<std::string> out;
  std::mt19937 random(20261121);
  std::uniform_int_distribution<int> length(6, 30);
  std::uniform_int_distribution<int> letter('a', 'z');
  while (out.size() < 10'000) {
    std::string word(length(random), ' ');
    for (char& c : word) c = static_cast<char>(letter(random));
    out.push_back(std::move(word));
  }
  std::shuffle(out.begin(), out.end(), random);
  return out;
}

double cpu_ns() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e9 + double(t.tv_nsec);
}

constexpr int kTurns = 31;
constexpr int kPasses = 40;  // over the 10,000 words, per turn
constexpr int kCopies = 16;  // of the list, for the new-storage comparison

struct Side {
  const char* name;
  std::vector<double> same, fresh;  // ns per lookup, one per turn
};

// One turn: kPasses passes, pass p over copy p % kUsed; ns per lookup. Not
// inlined, so that a profiler (callgrind) gives each side and each storage
// pattern a function of its own: inclusive cost / (kTurns * kPasses *
// 10,000) is the cost per lookup, loop included.
template <std::size_t kUsed, class Lookup>
[[gnu::noinline]] double turn(
    const std::vector<std::vector<std::string>>& copies, Lookup lookup) {
  double start = cpu_ns();
  for (int pass = 0; pass < kPasses; ++pass) {
    for (const std::string& w : copies[pass % kUsed]) lookup(w);
  }
  return (cpu_ns() - start) / (double(kPasses) * copies[0].size());
}

}  // namespace

void run_intern_turns() {
  std::vector<std::vector<std::string>> copies(kCopies, make_words());
  absl::flat_hash_set<std::string> set(copies[0].begin(), copies[0].end());
  auto with_tenure = [](const std::string& w) {
    Symbol s = intern(w);
    asm volatile("" : : "r"(s.c_str()) : "memory");
  };
  auto with_absl = [&set](const std::string& w) {
    absl::string_view key(w.data(), w.size());
    auto found = set.find(key);
    if (found == set.end()) found = set.emplace(key).first;
    asm volatile("" : : "r"(&*found) : "memory");
  };
  for (const std::string& w : copies[0]) with_tenure(w);

  Side tenure{"tenure", {}, {}}, absl{"absl_set", {}, {}};
  for (int t = 0; t < kTurns; ++t) {
    for (int k = 0; k < 2; ++k) {
      bool tenure_now = (k + t) % 2 == 0;
      Side& side = tenure_now ? tenure : absl;
      side.same.push_back(tenure_now ? turn<1>(copies, with_tenure)
                                     : turn<1>(copies, with_absl));
      side.fresh.push_back(tenure_now ? turn<kCopies>(copies, with_tenure)
                                      : turn<kCopies>(copies, with_absl));
    }
  }
  double same_t = median(tenure.same), same_a = median(absl.same);
  double fresh_t = median(tenure.fresh), fresh_a = median(absl.fresh);
  std::printf(
      "intern of 10,000 known strings, median of %d turns taken in "
      "alternation, ns of CPU time per lookup\n"
      "%-10s %14s %14s\n%-10s %14.2f %14.2f\n%-10s %14.2f %14.2f\n",
      kTurns, "", "same storage", "new storage", tenure.name, same_t, fresh_t,
      absl.name, same_a, fresh_a);
  std::printf("RATIO intern_vs_absl_set %.2f\n", same_a / same_t);
  std::printf("RATIO intern_new_storage_vs_absl_set %.2f\n", fresh_a / fresh_t);
}

}  // namespace tenure::bench
