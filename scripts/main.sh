#!/usr/bin/env bash
# Command (1) of the README: set up, build, and run the main job (the seed comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
exec build/release/dispatchlab run --suite=seed "$@"
