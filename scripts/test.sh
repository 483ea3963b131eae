#!/usr/bin/env bash
# Command (2) of the README: set up, build, and run the tests (release build, then the sanitizer build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-tools
scripts/build.sh release
ctest --preset release --output-on-failure -j2
