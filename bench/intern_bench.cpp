// Interning against the hash set people reach for: looking up strings that
// are already there. tenure::intern finds the Symbol without a lock; the
// peer does find-or-insert in an absl::flat_hash_set<std::string>.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "tenure/symbol.h"

namespace {

// 10,000 identifier-like strings of 6 to 30 characters, in a random order.
const std::vector<std::string>& words() {
  static const std::vector<std::string> all = [] {
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
  }();
  return all;
}

void intern_tenure(benchmark::State& state) {
  for (const std::string& w : words()) tenure::intern(w);
  for (auto _ : state) {
    for (const std::string& w : words()) {
      benchmark::DoNotOptimize(tenure::intern(w));
    }
  }
  state.SetItemsProcessed(state.iterations() * words().size());
}

void intern_absl_set(benchmark::State& state) {
  absl::flat_hash_set<std::string> set(words().begin(), words().end());
  for (auto _ : state) {
    for (const std::string& w : words()) {
      absl::string_view key(w.data(), w.size());
      auto found = set.find(key);
      if (found == set.end()) found = set.emplace(key).first;
      benchmark::DoNotOptimize(&*found);
    }
  }
  state.SetItemsProcessed(state.iterations() * words().size());
}

BENCHMARK(intern_tenure)->Name("intern_vs_absl_set/tenure");
BENCHMARK(intern_absl_set)->Name("intern_vs_absl_set/absl_set");

}  // namespace
