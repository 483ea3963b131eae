#!/usr/bin/env bash
# Issue 17's figures in one go (docs/benchmarks.md): the attribution of sct_init (wall time, and the CV of
# its Shapley shares over repeated runs), the peak RSS of the model against real CPython for four scenarios
# at n = 1e7, and the instructions counting adds (dispatchlab against dispatchlab-nocount, callgrind).
#
#   scripts/bench.sh [--quick] [--only=attribute,memory,counting] [--build-dir=DIR] [--python=PATH]
#                    [--runs=R] [--attribute-flags="--ci-target=0.01 ..."]
#
# Prints `key: value` lines on stdout (one figure per line, keys are stable; docs/benchmarks.md lists
# them), progress on stderr. Bad input: one line on stderr, exit 2; a failing measurement: exit 1.
# Temporary files live in one directory, removed on exit, error, Ctrl-C or SIGTERM.
set -euo pipefail

die_usage() {
  echo "bench.sh: $*" >&2
  exit 2
}

root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$root/build/release"
python=/usr/bin/python3
quick=0
runs=""
only="attribute,memory,counting"
extra_attr_flags=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --build-dir=*) build_dir="${arg#*=}" ;;
    --python=*) python="${arg#*=}" ;;
    --runs=*) runs="${arg#*=}" ;;
    --only=*) only="${arg#*=}" ;;
    --attribute-flags=*) extra_attr_flags="${arg#*=}" ;;
    -h | --help)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die_usage "unknown argument '$arg' (usage: scripts/bench.sh [--quick] [--only=attribute,memory,counting] [--build-dir=DIR] [--python=PATH] [--runs=R] [--attribute-flags=FLAGS])" ;;
  esac
done
if [[ -n "$runs" ]]; then
  [[ "$runs" =~ ^[0-9]+$ ]] && ((runs >= 2 && runs <= 20)) || die_usage "--runs: '$runs' is not a whole number in 2..20"
else
  runs=$((quick ? 2 : 3))
fi
do_attribute=0 do_memory=0 do_counting=0
IFS=',' read -r -a sections <<<"$only"
[[ ${#sections[@]} -gt 0 ]] || die_usage "--only: give one or more of attribute, memory, counting"
for s in "${sections[@]}"; do
  case "$s" in
    attribute) do_attribute=1 ;;
    memory) do_memory=1 ;;
    counting) do_counting=1 ;;
    *) die_usage "--only: unknown section '$s' (attribute, memory, counting)" ;;
  esac
done
dl="$build_dir/dispatchlab"
nocount="$build_dir/dispatchlab-nocount"
for b in "$dl" "$nocount"; do
  [[ -x "$b" ]] || die_usage "$b is not built (cmake --build --preset release --target dispatchlab dispatchlab-nocount), or give --build-dir"
done
# The JSON outputs are read with Debian's python3 (standard library only).
parser=/usr/bin/python3
[[ -x "$parser" ]] || die_usage "$parser is missing (apt-get install -y python3)"
if ((do_memory)); then
  [[ -x "$python" ]] || die_usage "--python: '$python' is not an executable"
fi
if ((do_counting)); then
  command -v valgrind >/dev/null || die_usage "valgrind is not installed; the counting section needs it (apt-get install -y valgrind), or leave it out with --only"
fi

# Sizes: the issue's, or tiny ones for a smoke test.
if ((quick)); then
  attr_n=1000 attr_flags=(--layers=trampoline,boxing --repetitions=2 --sample-time=0.001)
  mem_n=10000 count_n=300
else
  attr_n=100000 attr_flags=()
  mem_n=10000000 count_n=20000
fi
# Extra flags for the attribution runs (split on spaces), e.g. a tighter --ci-target.
if [[ -n "$extra_attr_flags" ]]; then
  read -r -a extra <<<"$extra_attr_flags"
  for f in "${extra[@]}"; do
    [[ "$f" == --* ]] || die_usage "--attribute-flags: '$f' is not a flag"
    attr_flags+=("$f")
  done
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dispatchlab-bench.XXXXXX")"
child=""
cleanup() {
  if [[ -n "$child" ]]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "bench.sh: interrupted" >&2; exit 130' INT
trap 'echo "bench.sh: terminated" >&2; exit 143' TERM

# Runs a command in the background (so a signal reaches the trap at once, and the trap stops the command),
# stdout to $1; fails with the command's last error line.
run_to() {
  local out="$1"
  shift
  "$@" >"$out" 2>"$tmp/stderr" &
  child=$!
  local status=0
  wait "$child" || status=$?
  child=""
  if ((status != 0)); then
    echo "bench.sh: '$*' failed (exit $status): $(tail -n 1 "$tmp/stderr")" >&2
    exit 1
  fi
}

emit() { printf '%s: %s\n' "$1" "$2"; }
now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }

emit mode "$([[ $quick == 1 ]] && echo quick || echo full)"
emit version "$("$dl" --version | head -n 1)"
emit cpus "$(nproc)"
emit load_average_start "$(load)"

if ((do_attribute)); then
  emit attribute.n "$attr_n"
  emit attribute.layers "$([[ $quick == 1 ]] && echo trampoline,boxing || echo default)"
  emit attribute.runs "$runs"
  emit attribute.flags "${attr_flags[*]:-none}"
  attr_seconds=()
  for ((i = 1; i <= runs; i++)); do
    echo "bench.sh: attribute sct_init, run $i of $runs" >&2
    emit "attribute.load_average.$i" "$(load)"
    start="$(now)"
    run_to "$tmp/attribute.$i.json" "$dl" attribute sct_init "--n=$attr_n" "${attr_flags[@]}" --quiet --format=json
    seconds="$("$parser" -c "print('%.3f' % ($(now) - $start))")"
    emit "attribute.seconds.$i" "$seconds"
    attr_seconds+=("$seconds")
  done
  # Shapley shares of the total per run; their mean and CV per layer; the largest CV among the layers
  # whose mean share is at least 2% of the total (issue 17's repeatability criterion).
  "$parser" - "$tmp" "$runs" "${attr_seconds[@]}" <<'EOF'
import json, math, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
print("attribute.max_seconds: %.3f" % max(float(x) for x in sys.argv[3:]))
shares = {}
seconds = []
for i in range(1, runs + 1):
    doc = json.load(open("%s/attribute.%d.json" % (tmp, i)))
    for layer, share in doc["details"]["shapley"]["share"].items():
        shares.setdefault(layer, []).append(share)
worst = 0.0
widest = 0.0
for i in range(1, runs + 1):
    doc = json.load(open("%s/attribute.%d.json" % (tmp, i)))
    design = doc["design"]
    # The largest 95% CI half-width of a Shapley value over the total (issue 17 asks <= 0.02): the design's
    # own figure when it targeted Shapley, else 1.96 standard errors.
    if design["ci_method"] == "shapley" and design["ci_half_width_share"] is not None:
        half = design["ci_half_width_share"]
    else:
        half = max(1.96 * abs(se) for se in doc["details"]["shapley"]["noise_se"].values()) / abs(doc["total"])
    widest = max(widest, half)
    cvs = sorted(s["cv"] for s in doc["samples"])
    print("attribute.ci_half_width_share.%d: %.6f" % (i, half))
    print("attribute.measurements.%d: %d" % (i, design["measurements"]))
    print("attribute.rounds.%d: %d" % (i, design["rounds"]))
    print("attribute.median_config_cv.%d: %.6f" % (i, cvs[len(cvs) // 2]))
print("attribute.max_ci_half_width_share: %.6f" % widest)
for layer in sorted(shares):
    v = shares[layer]
    mean = sum(v) / len(v)
    sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    cv = sd / abs(mean) if mean != 0 else 0.0
    print("attribute.share.%s.mean: %.6f" % (layer, mean))
    print("attribute.share.%s.cv: %.6f" % (layer, cv))
    if abs(mean) >= 0.02:
        worst = max(worst, cv)
print("attribute.max_cv_shares_over_2pct: %.6f" % worst)
EOF
fi

if ((do_memory)); then
  emit memory.n "$mem_n"
  emit memory.python "$python"
  echo "bench.sh: peak RSS, model against $python, n = $mem_n" >&2
  run_to "$tmp/memory.json" "$dl" cpython sct_init sct_subscript sct_init_list sct_subscript_list \
    "--python=$python" "--n=$mem_n" --rounds=1 --min-time=0.001 --quiet --format=json
  "$parser" - "$tmp/memory.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for r in doc["results"]:
    if r["cpython"] is None or r["dispatchlab"] is None:
        continue
    real = r["cpython"]["peak_rss_kb"] * 1024
    model = r["dispatchlab"]["peak_rss_kb"] * 1024
    print("memory.%s.cpython_max_rss_bytes: %d" % (r["scenario"], real))
    print("memory.%s.dispatchlab_max_rss_bytes: %d" % (r["scenario"], model))
    print("memory.%s.ratio: %.4f" % (r["scenario"], model / real))
EOF
fi

if ((do_counting)); then
  emit counting.n "$count_n"
  for scenario in sct_init sct_subscript; do
    echo "bench.sh: callgrind, $scenario in both builds, n = $count_n" >&2
    run_to "$tmp/counted.json" "$dl" profile "$scenario" --tool=callgrind "--n=$count_n" --format=json
    run_to "$tmp/nocount.json" "$nocount" profile "$scenario" --tool=callgrind "--n=$count_n" --format=json
    "$parser" - "$tmp/counted.json" "$tmp/nocount.json" "$scenario" <<'EOF'
import json, sys
counted = json.load(open(sys.argv[1]))["total"]
nocount = json.load(open(sys.argv[2]))["total"]
s = sys.argv[3]
print("counting.%s.counted_instructions_per_element: %.3f" % (s, counted))
print("counting.%s.nocount_instructions_per_element: %.3f" % (s, nocount))
print("counting.%s.overhead: %.6f" % (s, counted / nocount - 1))
EOF
  done
fi

emit load_average_end "$(load)"
