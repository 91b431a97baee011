#!/usr/bin/env bash
# Pages per second over the real published PDFs of ../shared/corpus/real/pdf, at -j 1 and -j 2,
# for one or more builds in the same run (best of RUNS wall times each; every run is printed).
# usage: scripts/bench-real.sh BIN [BIN...]     (RUNS=3, REAL=../shared/corpus/real/pdf)
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REAL:-../shared/corpus/real/pdf}
RUNS=${RUNS:-3}
[ $# -ge 1 ] || set -- target/release/jixiao
pages=$(for f in "$REAL"/*.pdf; do qpdf --show-npages "$f"; done | paste -sd+ | bc)
files=$(ls "$REAL"/*.pdf | wc -l)
echo "$files PDFs, $pages pages; $(nproc) cores; $(date -u +%F)"
printf '| build | -j | every run, wall s | best s | pages/s |\n|---|---|---|---|---|\n'
for jobs in 1 2; do
  for bin in "$@"; do
    times=()
    for _ in $(seq "$RUNS"); do
      start=$(date +%s.%N)
      "$bin" extract "$REAL" -j "$jobs" --quiet -o /dev/null >/dev/null 2>&1 || true
      end=$(date +%s.%N)
      times+=("$(echo "$end - $start" | bc)")
    done
    best=$(printf '%s\n' "${times[@]}" | sort -g | head -n 1)
    printf '| %s | %s | %s | %.2f | %.0f |\n' "$bin" "$jobs" "$(printf '%.2f ' "${times[@]}")" "$best" "$(echo "$pages / $best" | bc -l)"
  done
done
