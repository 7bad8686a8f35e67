// The interning comparison (intern_bench.cpp), run by tenure-bench's main
// after the Google Benchmark pairs.
#pragma once

namespace tenure::bench {

// Prints a table and the RATIO lines of the interning comparison.
void run_intern_turns();

}  // namespace tenure::bench
