#!/usr/bin/env bash
# Installs what dispatchlab needs from Debian's packages, and nothing else.
# As root: apt-get installs whatever is missing. Otherwise: prints the exact apt-get line and fails.
# Usage: scripts/setup.sh [--with-tools]   (--with-tools adds perf, clang for fuzzing, chromium for the
# browser test)
set -euo pipefail

# nlohmann-json3-dev and libboost-math-dev are build dependencies (JSON, Student t); libbenchmark-tools and
# python3-scipy are what tests/cli/compare_py_test.cc runs (Google Benchmark's compare.py). python3-numpy
# (Debian's python3 with numpy) and valgrind: the real side of `dispatchlab cpython`, both metrics
# (docs/faithfulness.md).
required=(cmake ninja-build g++ libabsl-dev libbenchmark-dev catch2 nlohmann-json3-dev libboost-math-dev
          libbenchmark-tools python3-scipy python3-numpy valgrind)
# chromium, chromium-driver, python3-selenium: the browser test of the explorable page (tests/experiments/explore/
# explore_page_test.py).
# clang-format: the formatting check of the test command (scripts/check_format.sh).
tools=(linux-perf clang libclang-rt-14-dev clang-format chromium chromium-driver python3-selenium)

wanted=("${required[@]}")
if [[ "${1:-}" == "--with-tools" ]]; then
  wanted+=("${tools[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi
line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: run as root:  apt-get update && $line" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
