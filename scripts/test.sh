#!/usr/bin/env bash
# Command (2) of the README, and what CI runs (.ci/run): set up, then
#   1. the release build and its tests,
#   2. the asan-ubsan build (the two CLIs and the test suite) and the same tests under AddressSanitizer,
#      LeakSanitizer and UBSan,
#   3. a short fuzz run (60 s; skipped with a message when clang is not installed).
# Budget: under 10 minutes on 2 cores from a clean clone (docs/hardening.md has the measured times).
# FUZZ_SECONDS=0 skips the fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-tools
start=$SECONDS
stamp() { echo "test.sh: $1 done at $((SECONDS - start)) s" >&2; }

scripts/build.sh release
ctest --preset release --output-on-failure -j2
stamp "release build + tests"

cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan --target dispatchlab dispatchlab-nocount dispatchlab_tests
# Valgrind cannot run a program built with ASan: the two end-to-end callgrind tests (tests/experiments/
# profiling_callgrind_e2e_test.cc) are left to the release run until they skip themselves under ASan,
# as tests/cli/memcheck_test.cc does. The docs test (every command quoted in docs/, through the binary)
# runs in the release pass only: under ASan its forty-odd commands take minutes and test nothing new.
ctest --preset asan-ubsan --output-on-failure -j2 \
  -E "callgrind per-layer instruction counts|instruction sampler counts each layer|every dispatchlab command quoted in docs|every one-script block of docs"
stamp "asan-ubsan build + tests"

fuzz_seconds=${FUZZ_SECONDS:-60}
if ((fuzz_seconds == 0)); then
  echo "test.sh: fuzz run skipped (FUZZ_SECONDS=0)" >&2
elif command -v clang++ >/dev/null; then
  scripts/fuzz.sh "$fuzz_seconds"
  stamp "fuzz build + ${fuzz_seconds} s run"
else
  echo "test.sh: fuzz run skipped: clang++ not installed (scripts/setup.sh --with-tools)" >&2
fi
