#!/usr/bin/env bash
# Builds the libFuzzer harness (the `fuzz` preset: clang, ASan + UBSan) and runs it.
#   scripts/fuzz.sh                 the short run CI does (60 s)
#   scripts/fuzz.sh 3600 -jobs=2    a longer one; any further arguments go to libFuzzer
# Seeds: fuzz/corpus and fuzz/regressions (read, never written); new inputs go to build/fuzz/corpus.
# A crash leaves build/fuzz/artifacts/crash-*: keep it as fuzz/regressions/<what-it-broke>, fix the bug,
# add a test in tests/fuzz/found_bugs_test.cc and a line in docs/hardening.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (scripts/setup.sh --with-tools installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/corpus build/fuzz/artifacts
exec build/fuzz/fuzz/dispatchlab_fuzzer -max_total_time="$seconds" -max_len=512 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/ "$@" \
  build/fuzz/corpus fuzz/corpus fuzz/regressions
