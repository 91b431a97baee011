#!/usr/bin/env bash
# `make bench-python`: Spark's read_indicators and Python's extract_many against the command
# line on the same files in the same run, and the Parquet writer's peak memory for 1,000 and
# 10,000 files. Builds the release binary and a release wheel into .venv (made by
# scripts/python-env.sh), then runs scripts/bench-python.py, which prints a Markdown section
# and writes it into BENCHMARKS.md.
#
# Settings (environment, defaults in brackets): FILES files for the speed figures [3000],
# MEM_SIZES [1000 10000], REPEAT timed runs each, the best counts [3], WARMUP untimed Spark
# passes before them [3], JOBS threads and Spark cores [2], UPDATE_DOC=0 to leave BENCHMARKS.md
# as it is [1], BENCH_WORK scratch [bench-work].
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${JIXIAO_VENV:-.venv}"

scripts/python-env.sh
"$venv/bin/python" -c "import pyspark" 2>/dev/null ||
  { echo "bench-python: pyspark could not be installed (see scripts/python-env.sh's message)" >&2; exit 1; }
command -v java >/dev/null 2>&1 || { echo "bench-python: Java is needed for Spark" >&2; exit 1; }
echo "bench-python: building the release binary and wheel" >&2
cargo build --release --locked --bin jixiao
VIRTUAL_ENV="$PWD/$venv" PATH="$PWD/$venv/bin:$PATH" \
  "$venv/bin/maturin" develop --locked --release -m crates/python/Cargo.toml -q
UPDATE_DOC="${UPDATE_DOC:-1}" JIXIAO_BIN="$PWD/target/release/jixiao" exec "$venv/bin/python" scripts/bench-python.py
