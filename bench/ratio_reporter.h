// The console reporter of tenure's Google Benchmark programs, plus RATIO
// lines for scripts.
//
// Each comparison is a pair of benchmarks named "<what>/tenure" and
// "<what>/<peer>"; after the runs one line per pair reads
//   RATIO <what>_<peer> <peer time / tenure time>
// or, when <what> already names the peer ("ref_vs_shared_ptr"),
//   RATIO <what> <peer time / tenure time>
// so a value above 1 means tenure is faster. Absolute times on a shared
// machine mean little; the ratios from one run are what to compare.
#pragma once

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace tenure::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal: RATIO lines read by scripts start clean.
  RatioReporter()
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && !run.error_occurred) {
        times_[run.benchmark_name()] = run.GetAdjustedRealTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void PrintRatios() const {
    for (const auto& [name, peer_time] : times_) {
      std::size_t slash = name.find('/');
      std::string what = name.substr(0, slash);
      std::string who = name.substr(slash + 1);
      auto tenure = times_.find(what + "/tenure");
      if (who == "tenure" || tenure == times_.end()) continue;
      std::string ratio =
          what.find("_vs_") != std::string::npos ? what : what + "_" + who;
      std::printf("RATIO %s %.2f\n", ratio.c_str(), peer_time / tenure->second);
    }
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace tenure::bench
