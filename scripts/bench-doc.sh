#!/usr/bin/env bash
# .doc throughput and memory: jixiao's native reader against the LibreOffice conversion it
# replaced, on the same files in the same run. Prints a Markdown table for BENCHMARKS.md.
#
#   scripts/bench-doc.sh            COPIES=200 (600 files native), SOFFICE_FILES=12
#   COPIES=50 SOFFICE_FILES=6 scripts/bench-doc.sh
#
# Native: `jixiao extract <folder> -j N -o /dev/null` over COPIES copies of each .doc fixture,
# best of three runs, peak memory from GNU time. LibreOffice: the first SOFFICE_FILES of those
# files, each converted by `soffice --headless --convert-to docx` with a private profile (as
# `--doc-converter soffice` does, N conversions at a time), then the docx files read by jixiao;
# the native reader is timed on the same SOFFICE_FILES files too. Installs GNU time and
# LibreOffice (Debian) when missing; without LibreOffice the comparison rows are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
copies="${COPIES:-200}"
soffice_files="${SOFFICE_FILES:-12}"
work="${BENCH_WORK:-bench-work}/doc"

if [ ! -x /usr/bin/time ]; then
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends time >/dev/null
fi
command -v soffice >/dev/null 2>&1 || scripts/install-libreoffice.sh || true
cargo build --release --locked --quiet
bin="$(pwd)/target/release/jixiao"

rm -rf "$work" && mkdir -p "$work/all" "$work/few" "$work/docx"
for copy in $(seq 1 "$copies"); do
    for file in fixtures/doc/*.doc; do
        cp "$file" "$work/all/$(basename "$file" .doc)-$copy.doc"
    done
done
ls "$work/all" | head -n "$soffice_files" | while read -r name; do cp "$work/all/$name" "$work/few/"; done
files=$(ls "$work/all" | wc -l)

# Seconds and peak resident kilobytes of a command (best time of three runs).
measure() {
    local best="" peak=0 run elapsed rss
    for run in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
        read -r elapsed rss <"$work/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($elapsed < $best)}"; then best=$elapsed; fi
        if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
    done
    echo "$best $peak"
}

rate() { awk "BEGIN{printf \"%.1f\", $1 / ($2 > 0 ? $2 : 0.001)}"; }

echo "| reader | -j | files | seconds | files/s | peak memory |"
echo "|---|---|---|---|---|---|"
for jobs in 1 2; do
    read -r seconds rss < <(measure "$bin" extract "$work/all" -j "$jobs" -o /dev/null --quiet)
    echo "| native | $jobs | $files | $seconds | $(rate "$files" "$seconds") | $((rss / 1024)) MiB |"
    read -r seconds rss < <(measure "$bin" extract "$work/few" -j "$jobs" -o /dev/null --quiet)
    echo "| native | $jobs | $soffice_files | $seconds | $(rate "$soffice_files" "$seconds") | $((rss / 1024)) MiB |"
    if command -v soffice >/dev/null 2>&1; then
        # One conversion per file, each with its own profile, N at a time; then jixiao reads
        # the docx files. Timed once: a conversion takes seconds, so noise is small.
        rm -rf "$work/docx" "$work/profiles" && mkdir -p "$work/docx" "$work/profiles"
        started=$(date +%s.%N)
        ls "$work/few"/*.doc | xargs -P "$jobs" -I{} sh -c \
            'p=$(mktemp -d "$2/p.XXXX"); soffice -env:UserInstallation=file://$p --headless --norestore --nolockcheck --nologo --nodefault --convert-to "docx:MS Word 2007 XML" --outdir "$3" "$1" >/dev/null 2>&1' \
            _ {} "$(pwd)/$work/profiles" "$work/docx"
        "$bin" extract "$work/docx" -j "$jobs" -o /dev/null --quiet || true
        seconds=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $started}")
        echo "| LibreOffice + docx | $jobs | $soffice_files | $seconds | $(rate "$soffice_files" "$seconds") | (one soffice per file) |"
    fi
done
