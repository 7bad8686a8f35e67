#!/usr/bin/env bash
# `make demo`: the planted retention bugs of examples/collab, found in the
# source by tenure-analyze and confirmed by what the example's tests leaked.
#
#   1. builds the example in verification mode (the `verify` preset) and
#      tenure-analyze (the `debug` preset);
#   2. runs the example's tests with TENURE_EVIDENCE set, from a fresh
#      evidence file. Tests that leak cycles fail: that is the planted bug;
#   3. runs tenure-analyze on the example with that evidence and prints its
#      findings, confirmed ones marked; writes demo.sarif and the cycle graph
#      (DOT, and SVG when Graphviz is installed).
#
# Exit status 0 when all six planted findings are confirmed at runtime (the
# std::shared_ptr one by LeakSanitizer: collab-tests are built with
# tenure_leak_check), 1 with a one-line error otherwise (or when a step
# fails), so CI can run it.
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/verify/demo
evidence=$out/evidence.json
analyze=build/debug/bin/tenure-analyze
tests=build/verify/examples/collab-tests
sources=(examples/collab/*.cpp examples/main.cpp examples/collab_test.cpp)

step() { printf '\n==> %s\n' "$*"; }
die() { echo "demo: error: $*" >&2; exit 1; }

# Configures a preset, showing CMake's output only when it fails.
configure() {
  local log
  log=$(mktemp)
  if ! cmake --preset "$1" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "cmake --preset $1 failed"
  fi
  rm -f "$log"
}

step "Building the example in verification mode (build/verify) and tenure-analyze (build/debug)"
# A CMake file API query, so that the reply tells tenure-analyze which units
# make up each program (the library, the tests, the editor).
mkdir -p build/verify/.cmake/api/v1/query
touch build/verify/.cmake/api/v1/query/codemodel-v2
configure verify
cmake --build --preset verify --target collab-tests collab-editor ||
  die "building the example (build/verify) failed"
configure debug
cmake --build --preset debug --target tenure-analyze ||
  die "building tenure-analyze (build/debug) failed"

step "Running the example's tests, recording evidence in $evidence"
echo "Some tests fail: they leak the Document/Section cycles planted in the example."
mkdir -p "$out"
# Counts accumulate in an existing evidence file: start from none. Earlier
# outputs go too, so a failed run leaves nothing that looks current.
rm -f "$evidence" "$evidence.lock" "$out"/{tests.log,findings.txt,analyze.log} \
  "$out"/{demo.sarif,sarif.log,cycles.dot,cycles.svg}
status=0
TENURE_EVIDENCE=$evidence "$tests" >"$out/tests.log" 2>&1 || status=$?
# GoogleTest exits 1 when tests fail; anything else is a crash.
if [[ $status -ne 0 && $status -ne 1 ]]; then
  die "$tests exited with status $status (not a test failure); see $out/tests.log"
fi
[[ -s $evidence ]] || die "$tests wrote no evidence to $evidence; see $out/tests.log"
sed -n 's/^\[  FAILED  \] \([A-Za-z_]*\.[A-Za-z_]*\)$/  failed: \1/p' "$out/tests.log"
# One failure as GoogleTest prints it: the cycle by type, field and site.
echo "The first failure says why:"
awk '/objects in reference cycles/ {show = 1} show && /^$/ {exit}
     show {print "  " $0}' "$out/tests.log" | sed "s|$PWD/||g"
python3 - "$evidence" "$PWD/" <<'EOF'
import json, sys
from collections import Counter
ev = json.load(open(sys.argv[1]))
root = sys.argv[2]
print("The evidence file holds:")
for c in ev["cycles"]:
    path = "".join(f"{t} -{f}-> " for t, f in zip(c["types"], c["fields"]))
    print(f"  cycle   {path}{c['types'][0]}: {c['count']} times in "
          f"{len(c['tests'])} tests")
growth = Counter()
for g in ev["growth"]:
    growth[g["type"]] += g["count"]
for type_name, count in sorted(growth.items()):
    print(f"  growth  {type_name}: {count} objects outlived the test that made them")
for c in sorted(ev["copies"], key=lambda c: -c["count"])[:3]:
    site = c["site"].removeprefix(root) or "(assignments)"
    print(f"  copies  {site}: {c['count']} Ref copies")
EOF

step "Analysing the example with that evidence"
status=0
"$analyze" -p build/verify --evidence="$evidence" \
  --cycle-graph="$out/cycles.dot" "${sources[@]}" \
  >"$out/findings.txt" 2>"$out/analyze.log" || status=$?
cat "$out/findings.txt"
cat "$out/analyze.log" >&2
# 1 = findings, which the example has by design; 0 or 2 are not a demo.
[[ $status -eq 1 ]] || die "tenure-analyze exited with status $status (expected 1: findings)"
grep -q '\[confirmed at runtime' "$out/findings.txt" ||
  die "no finding was confirmed at runtime by $evidence"
# Six bugs are planted, and each has a witness: tenure's collector for the
# tenure::Ref code, LeakSanitizer for the std::shared_ptr feed.
grep -q '^tenure-analyze: 6 findings (6 confirmed at runtime' "$out/analyze.log" ||
  die "expected all six planted findings confirmed at runtime, got: $(grep '^tenure-analyze:' "$out/analyze.log")"

status=0
"$analyze" -p build/verify --evidence="$evidence" --format=sarif \
  --output="$out/demo.sarif" "${sources[@]}" 2>"$out/sarif.log" || status=$?
[[ $status -eq 1 ]] || die "tenure-analyze --format=sarif exited with status $status; see $out/sarif.log"

svg="(Graphviz not installed: \`make deps\` installs it, then \`dot -Tsvg\` draws it)"
if command -v dot >/dev/null 2>&1; then
  dot -Tsvg "$out/cycles.dot" -o "$out/cycles.svg" ||
    die "dot could not draw $out/cycles.dot"
  svg=$out/cycles.svg
fi

step "Files"
cat <<EOF
  findings (text)     $out/findings.txt
  findings (SARIF)    $out/demo.sarif
  cycle graph (DOT)   $out/cycles.dot
  cycle graph (SVG)   $svg
  runtime evidence    $evidence
  test log            $out/tests.log
EOF
