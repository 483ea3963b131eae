#!/usr/bin/env bash
# Command (2) of the README, and what CI runs (.ci/run): set up, then
#   0. the formatting check: every tracked C++ source matches .clang-format (scripts/check_format.sh),
#   1. the release build and its tests (of the commands quoted in docs/, only those that need valgrind),
#   2. the asan-ubsan build (the two CLIs and the test suite) and the same tests under AddressSanitizer,
#      LeakSanitizer and UBSan (float-cast-overflow included): among them every subcommand with each
#      --format end to end (tests/cli/every_command_test.cc) and every command quoted in docs/,
#   3. the fuzz run: a fixed seed and a fixed number of inputs (scripts/fuzz.sh ci; skipped with a message
#      when clang is not installed). A finding fails the run, with its input saved and printed.
# Budget: the aim is under 20 minutes on 2 cores from a clean clone (docs/hardening.md, "CI time", has the
# measured runs and stages; cmake/test_speed.cmake, cmake/library_pch.cmake and the asan-ubsan preset's
# -O1 -g1 are the levers in place). The release build makes four copies of core/ and dispatch/ (counting,
# _nocount, _untagged, _immortal) and two and two parts of experiments/; the asan-ubsan build makes two of each.
# FUZZ_RUNS=N changes the fuzz run's length; FUZZ_RUNS=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-tools
start=$SECONDS
stamp() { echo "test.sh: $1 done at $((SECONDS - start)) s" >&2; }

scripts/check_format.sh

scripts/build.sh release
# The commands quoted in docs/ run once: here only those that need valgrind, which cannot run an ASan
# build; every other one in the asan-ubsan stage below (tests/docs/docs_test.cc).
DISPATCHLAB_DOCS_COMMANDS=valgrind-only ctest --preset release --output-on-failure -j2
stamp "release build + tests"

cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan --target dispatchlab dispatchlab-nocount dispatchlab_tests
# Valgrind cannot run a program built with ASan: the two end-to-end callgrind tests (tests/experiments/profiling/
# profiling_callgrind_e2e_test.cc) are left to the release run until they skip themselves under ASan,
# as tests/cli/memcheck_test.cc does. The docs test skips its valgrind commands itself under ASan.
ctest --preset asan-ubsan --output-on-failure -j2 \
  -E "callgrind per-layer instruction counts|instruction sampler counts each layer|every one-script block of docs"
stamp "asan-ubsan build + tests"

fuzz_runs=${FUZZ_RUNS:-60000}
if ((fuzz_runs == 0)); then
  echo "test.sh: fuzz run skipped (FUZZ_RUNS=0)" >&2
elif command -v clang++ >/dev/null; then
  FUZZ_RUNS=$fuzz_runs scripts/fuzz.sh ci
  stamp "fuzz build + ${fuzz_runs} inputs"
else
  echo "test.sh: fuzz run skipped: clang++ not installed (scripts/setup.sh --with-tools)" >&2
fi
