#!/usr/bin/env bash
# Builds the libFuzzer harness (the `fuzz` preset: clang, ASan + UBSan) and runs it.
#   scripts/fuzz.sh ci              what CI runs: a fixed seed and a fixed number of inputs (FUZZ_SEED=1,
#                                   FUZZ_RUNS=30000, about 60 s on 2 cores; capped at 120 s), from a fresh
#                                   corpus: the same program and the same inputs on every machine, so
#                                   any finding reproduces with the same command
#   scripts/fuzz.sh 3600 -jobs=2    an exploratory run of N seconds, random seed; further arguments go
#                                   to libFuzzer
# Seeds: fuzz/corpus and fuzz/regressions (read, never written); new inputs go to build/fuzz/corpus.
# Every input starts from a pristine runtime (fuzz/runtime_state.h), so a finding reproduces alone:
# a crash is copied to build/fuzz/findings/, printed (hex, and the program it decodes to) and fails the
# script. Keep it as fuzz/regressions/<what-it-broke>, fix the bug, add a test in
# tests/fuzz/found_bugs_test.cc and a line in docs/hardening.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-ci}
shift || true
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (scripts/setup.sh --with-tools installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
fuzzer=build/fuzz/fuzz/dispatchlab_fuzzer
artifacts=build/fuzz/artifacts
rm -rf "$artifacts"
mkdir -p build/fuzz/corpus "$artifacts" build/fuzz/findings
common=(-max_len=512 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/")
if [[ $mode == ci ]]; then
  corpus=build/fuzz/ci-corpus
  rm -rf "$corpus"
  mkdir -p "$corpus"
  args=(-seed="${FUZZ_SEED:-1}" -runs="${FUZZ_RUNS:-30000}" -max_total_time=120 "${common[@]}" "$@"
        "$corpus" fuzz/corpus fuzz/regressions)
else
  args=(-max_total_time="$mode" "${common[@]}" "$@" build/fuzz/corpus fuzz/corpus fuzz/regressions)
fi
echo "fuzz: $fuzzer ${args[*]}" >&2
status=0
"$fuzzer" "${args[@]}" || status=$?

shopt -s nullglob
found=("$artifacts"/*)
if ((status == 0 && ${#found[@]} == 0)); then
  echo "fuzz: no finding" >&2
  exit 0
fi
echo "fuzz: FAILED (libFuzzer exit status $status, ${#found[@]} input(s) saved)" >&2
for input in "${found[@]}"; do
  kept="build/fuzz/findings/$(basename "$input")"
  cp "$input" "$kept"
  echo "fuzz: finding kept in $kept ($(wc -c <"$kept") bytes); replay: $fuzzer $kept" >&2
  echo "fuzz: the input, hex:" >&2
  od -An -tx1 -v "$kept" >&2
  echo "fuzz: the program it decodes to (DISPATCHLAB_FUZZ_TRACE=1):" >&2
  DISPATCHLAB_FUZZ_TRACE=1 "$fuzzer" "$kept" 2>&1 | grep -E '^  op:|invariant broken|ERROR|SUMMARY' | tail -60 >&2 || true
done
exit 1
