#!/usr/bin/env bash
# Installs the Debian 12 packages tenure builds, tests and benchmarks with, and
# only those that are missing. Run by `make deps` (and so by demo/test/bench).
#
# Exit codes: 0 = everything present (or now installed); 1 = something is
# missing and cannot be installed here (not root, no password-less sudo, or
# apt failed).
set -euo pipefail

# Build and test: Clang 19 for the analyzer (libclang-rt-19-dev is only a
# Recommends, so it is named: without it there is no ASan/libFuzzer runtime),
# Abseil and GoogleTest for the runtime, Google Benchmark for `make bench`.
packages=(
  clang-19 clang-tidy-19 clang-tools-19 libclang-19-dev libclang-cpp19-dev
  llvm-19-dev libclang-rt-19-dev libabsl-dev cmake ninja-build libgtest-dev
  libgmock-dev libbenchmark-dev
  llvm-19-tools  # FileCheck and split-file: the analyzer's testdata runner
  python3        # that runner, and CPython's gc as tenure-gc-bench's peer
)
# Benchmark peers of the pooled allocator (`make bench`).
packages+=(libmimalloc-dev libjemalloc-dev libgoogle-perftools-dev)
# `make demo` draws the cycle graph as SVG with Graphviz's dot.
packages+=(graphviz)
# Bazel 4 (with a JDK): ctest bazel.aspect runs tenure's Bazel rules (bazel/)
# with it, offline; without it that test is skipped.
packages+=(bazel-bootstrap)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "deps: missing: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: error: apt-get not found; install by hand: ${missing[*]}" >&2
  exit 1
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "deps: error: not root and no password-less sudo; as root run:" \
         "apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -q >/dev/null ||
   ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "deps: error: apt-get could not install: ${missing[*]}" >&2
  exit 1
fi
echo "deps: installed ${#missing[@]} packages"
