#!/usr/bin/env bash
# Text throughput (MB/s, one worker) of every text dialect, the pasted-text ones and the web
# ones of fixtures/web/text/, in one run on one machine, so that they compare. Prints a
# Markdown table for BENCHMARKS.md.
#
#   scripts/bench-dialects.sh            # builds the release binary first
#   COPIES=200 REPEAT=3 JIXIAO_BIN=target/release/jixiao scripts/bench-dialects.sh
set -euo pipefail
cd "$(dirname "$0")/.."
copies="${COPIES:-200}"
repeat="${REPEAT:-3}"
work="${BENCH_WORK:-bench-work}/dialects"
if [[ -z "${JIXIAO_BIN:-}" ]]; then
  cargo build --release --locked
  JIXIAO_BIN=target/release/jixiao
fi
rm -rf "$work" && mkdir -p "$work"
# name | files: the seeds as pasted (cell per line for 000/001, tab-separated for 002/003), then
# each web dialect.
declare -A sources=(
  [pasted]="fixtures/text"
  [blank]="fixtures/web/text/blank"
  [pipe]="fixtures/web/text/pipe"
  [markdown]="fixtures/web/text/markdown"
  [tsv-ragged]="fixtures/web/text/tsv"
  [spaced]="fixtures/web/text/spaced"
)
order=(pasted tsv-ragged blank pipe markdown spaced)
echo "| dialect | files | MB | every run, wall s | best wall s | MB/s (-j 1) | tables |"
echo "|---|---|---|---|---|---|---|"
for name in "${order[@]}"; do
  dir="$work/$name"
  mkdir -p "$dir"
  for file in "${sources[$name]}"/*.txt; do
    for copy in $(seq 1 "$copies"); do
      cp "$file" "$dir/$(basename "$file" .txt)_$copy.txt"
    done
  done
  files=$(ls "$dir" | wc -l)
  bytes=$(cat "$dir"/*.txt | wc -c)
  runs=()
  for _ in $(seq 1 "$repeat"); do
    start=$(date +%s.%N)
    "$JIXIAO_BIN" extract "$dir" -j 1 --quiet -o "$work/$name.jsonl" || test $? -le 1
    end=$(date +%s.%N)
    runs+=("$(echo "$end - $start" | bc -l)")
  done
  best=$(printf '%s\n' "${runs[@]}" | sort -g | head -1)
  tables=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['tables']) for l in open(sys.argv[1])))" "$work/$name.jsonl")
  printf '| %s | %d | %.1f | %s | %.2f | %.1f | %d |\n' "$name" "$files" \
    "$(echo "$bytes / 1000000" | bc -l)" "$(printf '%.2f ' "${runs[@]}")" "$best" \
    "$(echo "$bytes / 1000000 / $best" | bc -l)" "$tables"
done
