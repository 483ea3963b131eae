#!/usr/bin/env bash
# Builds the model the way Debian builds its python3.11, so that `dispatchlab cpython` can hold the model
# against Debian's interpreter build for build (docs/faithfulness.md, "Built like Debian's interpreter
# (issue 12, round 11)"):
#   - Debian's compiler flags (dpkg-buildflags: -O2, -fstack-protector-strong, -D_FORTIFY_SOURCE=2);
#   - link-time optimisation over the interpreter, but not over the files that mirror extension modules
#     (_ctypes, numpy), which are shared objects of their own in real CPython, and are here too: the
#     preset sets DISPATCHLAB_EXTENSION_MODULES=shared (CMakeLists.txt, DISPATCHLAB_EXTENSION_MODULE_SOURCES);
#   - profile-guided optimisation, as Debian's `make profile-opt`: an instrumented build
#     (-DDISPATCHLAB_PGO=generate), a training run, then the optimised build (-DDISPATCHLAB_PGO=use).
#     CPython trains on a set of its tests (`-m test --pgo`); the model trains on its whole workload:
#     every scenario under every profile, in each of the four binaries (dispatchlab-untagged and
#     dispatchlab-immortal refuse the profiles whose refcount layers they have compiled out). numpy's mirror (core/ndarray.cc) is built
#     without the profile, as Debian builds numpy: a package of its own, plain -O2 (round 13).
# The result is build/debian-like/dispatchlab (with its -nocount, -untagged and -immortal siblings). It is a
# measurement build, not the project's: it has no tests, needs g++, and takes about three times a release
# build (about 8 minutes on 2 cores). After an edit, rerun the script: a plain rebuild of build/debian-like
# would compile the edited files against a stale profile.
# Usage: scripts/build_like_debian.sh        then: build/debian-like/dispatchlab cpython --metric=instructions
#        scripts/build_like_debian.sh --extension-modules=static
#            round 11's build, with the extension-module mirrors in the folder libraries (no shared
#            object), into build/debian-like-static/: the "static" rows of docs/faithfulness.md, round 12.
# Bad input: one line on stderr, exit 2, before anything is installed or built.
set -euo pipefail
cd "$(dirname "$0")/.."

modules=shared
arguments="$*"
for arg in "$@"; do
  case "$arg" in
    --extension-modules=shared | --extension-modules=static) modules=${arg#--extension-modules=} ;;
    *)
      echo "build_like_debian: unknown argument '$arg' (usage: scripts/build_like_debian.sh" \
        "[--extension-modules=shared|static])" >&2
      exit 2
      ;;
  esac
done

bash scripts/setup.sh

preset=debian-like
dir=build/$preset
[[ $modules == static ]] && dir=build/$preset-static
# The preset's configure with this build's directory and setting, and its build of the four binaries.
configure() { cmake --preset "$preset" -B "$dir" -DDISPATCHLAB_EXTENSION_MODULES="$modules" "$@" >/dev/null; }
build() { cmake --build "$dir" --target dispatchlab dispatchlab-nocount dispatchlab-untagged dispatchlab-immortal; }
training_errors=$dir/untagged-training.err
finished=0
on_exit() {
  rm -f "$training_errors"
  if ((finished == 0)); then
    echo "build_like_debian: stopped before the end; $dir may hold an instrumented build (its metadata" \
      "says PGO-instrumented): rerun scripts/build_like_debian.sh $arguments" >&2
  fi
}
trap on_exit EXIT

echo "build_like_debian: 1/3 the instrumented build (-fprofile-generate)" >&2
configure -DDISPATCHLAB_PGO=generate
find "$dir" -name '*.gcda' -delete
build

echo "build_like_debian: 2/3 the training run (every scenario under every profile)" >&2
scenarios=$("$dir/dispatchlab" list --format=json |
  /usr/bin/python3 -c 'import json, sys; print(" ".join(s["name"] for s in json.load(sys.stdin)["scenarios"]))')
profiles=$("$dir/dispatchlab" list --format=json |
  /usr/bin/python3 -c 'import json, sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["profiles"]))')
if [[ -z "$scenarios" || -z "$profiles" ]]; then
  echo "build_like_debian: 'dispatchlab list --format=json' named no scenario or no profile" >&2
  exit 1
fi
for profile in $profiles; do
  # shellcheck disable=SC2086  # one word per scenario
  "$dir/dispatchlab" run $scenarios --n=20000 --repetitions=3 --profile="$profile" --format=json --quiet >/dev/null
  # shellcheck disable=SC2086
  "$dir/dispatchlab-nocount" run $scenarios --n=20000 --repetitions=3 --profile="$profile" --format=json --quiet >/dev/null
  # dispatchlab-untagged runs the profiles whose refcount layers are off (3.6, 3.11), dispatchlab-immortal
  # those with only `immortal` on (3.12, 3.13), which is where `dispatchlab cpython` runs them; each
  # refuses the others with "cannot switch".
  for untagged in dispatchlab-untagged dispatchlab-immortal; do
    # shellcheck disable=SC2086
    if ! "$dir/$untagged" run $scenarios --n=20000 --repetitions=3 --profile="$profile" --format=json --quiet \
      >/dev/null 2>"$training_errors"; then
      grep -q "cannot switch" "$training_errors" || { cat "$training_errors" >&2; exit 1; }
    fi
  done
done

# The profiles the optimised build will read: one per object file of each binary's libraries. The
# optimised build does not warn about a missing one (-Wno-missing-profile), so count them here.
libraries="core dispatch"
[[ $modules == shared ]] && libraries+=" extension_modules"
for variant in $libraries ${libraries// /_nocount }_nocount ${libraries// /_untagged }_untagged \
  ${libraries// /_immortal }_immortal; do
  if ! find "$dir/CMakeFiles/dispatchlab_$variant.dir" -name '*.gcda' | grep -q .; then
    echo "build_like_debian: the training run left no profile for dispatchlab_$variant" >&2
    exit 1
  fi
done

echo "build_like_debian: 3/3 the optimised build (-fprofile-use)" >&2
configure -DDISPATCHLAB_PGO=use
build
finished=1
echo "build_like_debian: done: $dir/dispatchlab cpython --metric=instructions" >&2
