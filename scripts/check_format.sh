#!/usr/bin/env bash
# Fails when a tracked C++ source differs from .clang-format (Debian's clang-format 14, the `clang-format`
# package; scripts/setup.sh --with-tools installs it). Fix with: scripts/check_format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "check_format: clang-format is not installed (apt-get install clang-format)" >&2
  exit 2
fi
listing=$(git ls-files '*.cc' '*.h') || { echo "check_format: not a git checkout" >&2; exit 2; }
mapfile -t files <<<"$listing"
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if ! clang-format --dry-run -Werror "${files[@]}" 2>"$report"; then
  sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: .*/\1/p' "$report" | sort -u |
    sed 's/^/check_format: differs from .clang-format: /' >&2
  echo "check_format: run scripts/check_format.sh --fix" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files match .clang-format" >&2
