#!/usr/bin/env bash
# `make bench-review`: the review page's cost over extraction on 1,000 mixed files, both timed in
# the same run (scripts/bench/review.py says what and how). Fails when `jixiao review` takes more
# than LIMIT (1.3) times the wall time of `jixiao extract` on the same files.
#
# Settings: FILES [1000], JOBS [every usable core], REPEAT [5], LIMIT [1.3], UPDATE_DOC=1 writes
# the figures into BENCHMARKS.md, SKIP_BUILD=1 measures the existing target/release/jixiao,
# JIXIAO_BIN measures another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JIXIAO_BIN:-}" && "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "bench-review: building the release binary (cargo build --release --locked)" >&2
  cargo build --release --locked
fi
mkdir -p "${BENCH_WORK:-bench-work}"
exec python3 scripts/bench/review.py
