#!/usr/bin/env bash
# Builds the model the way Debian builds its python3.11, so that `dispatchlab cpython` can hold the model
# against Debian's interpreter build for build (docs/faithfulness.md, "Built like Debian's interpreter
# (issue 12, round 11)"):
#   - Debian's compiler flags (dpkg-buildflags: -O2, -fstack-protector-strong, -D_FORTIFY_SOURCE=2);
#   - link-time optimisation over the interpreter, but not over the files that mirror extension modules
#     (_ctypes, numpy), which are shared objects of their own in real CPython (CMakeLists.txt,
#     DISPATCHLAB_EXTENSION_MODULE_SOURCES);
#   - profile-guided optimisation, as Debian's `make profile-opt`: an instrumented build
#     (-DDISPATCHLAB_PGO=generate), a training run, then the optimised build (-DDISPATCHLAB_PGO=use). CPython trains on its test suite (`-m test --pgo`); the model trains on
#     its whole workload: every scenario under every profile, in both binaries `dispatchlab cpython` runs.
# The result is build/debian-like/dispatchlab (with its -nocount and -untagged siblings). It is a
# measurement build, not the project's: it has no tests, and takes about three times a release build.
# Usage: scripts/build_like_debian.sh        then: build/debian-like/dispatchlab cpython --metric=instructions
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

preset=debian-like
dir=build/$preset
training_errors=$dir/untagged-training.err
trap 'rm -f "$training_errors"' EXIT

echo "build_like_debian: 1/3 the instrumented build (-fprofile-generate)" >&2
cmake --preset "$preset" -DDISPATCHLAB_PGO=generate >/dev/null
find "$dir" -name '*.gcda' -delete
cmake --build --preset "$preset"

echo "build_like_debian: 2/3 the training run (every scenario under every profile)" >&2
scenarios=$("$dir/dispatchlab" list --format=json |
  /usr/bin/python3 -c 'import json, sys; print(" ".join(s["name"] for s in json.load(sys.stdin)["scenarios"]))')
profiles=$("$dir/dispatchlab" list --format=json |
  /usr/bin/python3 -c 'import json, sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["profiles"]))')
for profile in $profiles; do
  # shellcheck disable=SC2086  # one word per scenario
  "$dir/dispatchlab-nocount" run $scenarios --n=20000 --repetitions=3 --profile="$profile" --format=json --quiet >/dev/null
  # dispatchlab-untagged runs the profiles whose refcount layers are off (3.6, 3.11), which is where
  # `dispatchlab cpython` runs them; it refuses the others with "cannot switch".
  # shellcheck disable=SC2086
  if ! "$dir/dispatchlab-untagged" run $scenarios --n=20000 --repetitions=3 --profile="$profile" --format=json --quiet \
    >/dev/null 2>"$training_errors"; then
    grep -q "cannot switch" "$training_errors" || { cat "$training_errors" >&2; exit 1; }
  fi
done

echo "build_like_debian: 3/3 the optimised build (-fprofile-use)" >&2
cmake --preset "$preset" -DDISPATCHLAB_PGO=use >/dev/null
cmake --build --preset "$preset"
echo "build_like_debian: done: $dir/dispatchlab cpython --metric=instructions" >&2
