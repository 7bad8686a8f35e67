#!/usr/bin/env python3
"""tenure-analyze next to the parse it cannot avoid.

1. A large generated TU that includes the standard library: the time of
   `tenure-analyze file -- flags` over the time of `clang++ -fsyntax-only`
   on the same file and flags, the runs interleaved, median of five each.
   Printed as `RATIO analyzer_over_syntax_only <tenure/clang>` (goal <= 1.2:
   parsing must dominate), then one run's --timings table: where the time
   beyond the parse goes.
2. The wall time of analysing tenure's own tree (-p BUILD) with -j 1 and -j 2,
   cold (a new --cache-dir) and warm (the same again): printed as
   `RATIO cached_rerun_speedup <cold/warm with -j 2>` (goal >= 20).

Usage: analyzer_bench.py --analyzer EXE --clang CLANG++ --include DIR --build-dir DIR
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HEADER = '''#include <tenure/tenure.h>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>
'''

# One unit of realistic code: a parent/child pair with handles, containers,
# a callback and some ordinary logic. Repeated with distinct names.
UNIT = '''
namespace unit{n} {{
struct Child;
struct Parent : tenure::Object {{
  std::vector<tenure::Ref<Child>> children;
  std::map<std::string, tenure::Ref<Child>> by_name;
  std::function<void(int)> on_change;
  int total = 0;
  void add(tenure::Ref<Child> c, const std::string &name);
  int sum() const;
  void trace(tenure::Tracer &t) override {{ t(children); t(by_name); }}
}};
struct Child : tenure::Object {{
  tenure::Weak<Parent> parent;
  std::string label;
  int value = {n};
  int weight() const {{ return value * 2 + static_cast<int>(label.size()); }}
}};
void Parent::add(tenure::Ref<Child> c, const std::string &name) {{
  c->parent = tenure::Ref<Parent>::from_this(this);
  by_name[name] = c;
  children.push_back(std::move(c));
  on_change = [this](int delta) {{ total += delta; }};
}}
int Parent::sum() const {{
  int s = 0;
  for (const auto &c : children) s += c->weight();
  std::vector<int> values;
  for (const auto &[name, c] : by_name) values.push_back(c->value);
  std::sort(values.begin(), values.end());
  return s + (values.empty() ? 0 : values.back());
}}
}}  // namespace unit{n}
'''


def median_time(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            sys.exit('failed (%d): %s\n%s' % (result.returncode, ' '.join(command),
                                              result.stderr[-2000:]))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--analyzer', required=True)
    parser.add_argument('--clang', required=True)
    parser.add_argument('--include', required=True)
    parser.add_argument('--build-dir', required=True)
    parser.add_argument('--units', type=int, default=120)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='tenure-bench-') as work:
        source = os.path.join(work, 'large.cpp')
        with open(source, 'w') as f:
            f.write(HEADER + ''.join(UNIT.format(n=n) for n in range(args.units)))
        lines = sum(1 for _ in open(source))
        flags = ['-std=c++20', '-I' + args.include]
        clang = [args.clang, '-fsyntax-only'] + flags + [source]
        tenure = [args.analyzer, source, '--'] + flags
        # Interleave so both see the same machine load.
        clang_times, tenure_times = [], []
        for _ in range(5):
            clang_times.append(median_time(clang, 1))
            tenure_times.append(median_time(tenure, 1))
        c, t = statistics.median(clang_times), statistics.median(tenure_times)
        # Where tenure-analyze's time beyond the parse goes: one more run.
        timed = subprocess.run([args.analyzer, '--timings', source, '--'] + flags,
                               capture_output=True, text=True)
        table = [l for l in timed.stderr.splitlines()
                 if '%)' in l or 'Total Execution Time' in l]

    print('tenure-analyze vs clang++ -fsyntax-only (%d-line TU with the standard library, '
          'median of 5)' % lines)
    print('  %-34s %8.2f s' % ('clang++-19 -fsyntax-only', c))
    print('  %-34s %8.2f s' % ('tenure-analyze (one worker)', t))
    print('RATIO analyzer_over_syntax_only %.2f' % (t / c))
    print('  tenure-analyze --timings (one more run):')
    for line in table:
        print('  ' + line)

    # Cold: a new cache directory, every unit parsed and stored; warm: the
    # same command again, every unit read back from the cache.
    print("tenure-analyze over tenure's own tree (-p %s), wall time" % args.build_dir)
    walls = {}
    with tempfile.TemporaryDirectory(prefix='tenure-bench-cache-') as caches:
        for jobs in (1, 2):
            cache = os.path.join(caches, 'j%d' % jobs)
            for state in ('cold', 'warm'):
                start = time.perf_counter()
                result = subprocess.run([args.analyzer, '-p', args.build_dir,
                                         '-j', str(jobs), '--cache-dir=' + cache],
                                        capture_output=True, text=True)
                walls[jobs, state] = time.perf_counter() - start
                if result.returncode not in (0, 1):
                    sys.exit('failed (%d): %s' % (result.returncode, result.stderr[-2000:]))
                said = [l for l in result.stderr.splitlines()
                        if 'cache ' in l or 'translation unit' in l]
                print('  -j %d %s %8.1f s   (%s)' % (jobs, state, walls[jobs, state],
                                                    '; '.join(said)))
    print('RATIO cached_rerun_speedup %.1f' % (walls[2, 'cold'] / walls[2, 'warm']))

if __name__ == '__main__':
    main()
