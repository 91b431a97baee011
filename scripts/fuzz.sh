#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for SECONDS each (`make fuzz FUZZ_SECONDS=600`), then prints a
# summary: target, runs, seconds, crashes, and where the crash inputs were written. Exits with
# 1 when any target crashed (or could not run), 0 otherwise. Not part of CI.
#
#   scripts/fuzz.sh [SECONDS]              default 60 seconds per target
#   FUZZ_TARGETS="docx pdf" scripts/fuzz.sh 30
#   FUZZ_SANITIZER=address scripts/fuzz.sh  default `none`, see below
#   FUZZ_JOBS=2 scripts/fuzz.sh             parallel libFuzzer workers per target (default 1)
#   FUZZ_PARALLEL=1 scripts/fuzz.sh 600     every target at once, one process each: on a machine
#                                           with a core per target, ten 10-minute runs take 10
#                                           minutes
#   FUZZ_BIN=DIR scripts/fuzz.sh 600        run target binaries built before (`cargo fuzz build
#                                           -s none`, copied to DIR), with no toolchain: for a
#                                           bigger machine that has none
#
# Toolchain: cargo-fuzz compiles with nightly-only flags (`-Zsanitizer=…`, the sanitizer
# coverage passes). This machine has only the stable toolchain, so the script sets
# RUSTC_BOOTSTRAP=1, which makes the stable compiler accept nightly flags. It installs
# cargo-fuzz from crates.io when it is missing.
#
# Sanitizer: `none` by default. jixiao's crates forbid `unsafe`, so what fuzzing looks for is
# panics (every `unwrap`, index, overflow and `assert!` is checked: cargo-fuzz builds with
# debug assertions and overflow checks), hangs (`-timeout`) and runaway memory
# (`-rss_limit_mb`); AddressSanitizer would only watch the `unsafe` code of dependencies, at
# half the speed. Set FUZZ_SANITIZER=address for a run that does.
#
# Corpora: fuzz/corpus/<target>/ (git-ignored) is seeded from fixtures/ and fuzz/seeds/ on every
# run and keeps what earlier runs found. Crash inputs go to fuzz/artifacts/<target>/, with the
# libFuzzer log of the run beside them (fuzz.log). Reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -s none <target> fuzz/artifacts/<target>/crash-…
set -uo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS]  (seconds per target, a whole number ≥ 1)" >&2
    exit 2
fi
cd "$(dirname "$0")/.."
root="$(pwd)"
targets="${FUZZ_TARGETS:-docx xlsx xls pdf html text normalize value doc rtf}"
sanitizer="${FUZZ_SANITIZER:-none}"
jobs="${FUZZ_JOBS:-1}"
export RUSTC_BOOTSTRAP=1

bin_dir="${FUZZ_BIN:-}"
if [ -z "$bin_dir" ]; then
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "fuzz: installing cargo-fuzz (once)…" >&2
        cargo install cargo-fuzz --locked || {
            echo "fuzz: cannot install cargo-fuzz; install it with 'cargo install cargo-fuzz'" >&2
            exit 1
        }
    fi

    echo "fuzz: building the targets (sanitizer: $sanitizer)…" >&2
    if ! cargo fuzz build -s "$sanitizer" >&2; then
        echo "fuzz: the targets do not build" >&2
        exit 1
    fi
fi

# ------------------------------------------------------------------------------------------
# Seed corpora. Seeds are named by content hash, so seeding again adds nothing twice.
# ------------------------------------------------------------------------------------------

# Adds the file $2 (or standard input when $2 is `-`) to the corpus of target $1.
add_seed() {
    local corpus="fuzz/corpus/$1" tmp
    mkdir -p "$corpus"
    tmp="$(mktemp)"
    if [ "$2" = "-" ]; then cat >"$tmp"; else cat "$2" >"$tmp"; fi
    if [ -s "$tmp" ]; then
        mv "$tmp" "$corpus/seed-$(sha1sum "$tmp" | cut -c1-16)"
    else
        rm -f "$tmp"
    fi
}

# Prints one entry of a zip file, with whichever of unzip and python3 this machine has.
zip_entry() {
    if command -v unzip >/dev/null 2>&1; then
        unzip -p "$1" "$2" 2>/dev/null
    elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2" 2>/dev/null
    fi
}

seed() {
    local file part parts
    parts="$(mktemp -d)"
    for file in fixtures/docx/*.docx; do
        add_seed docx "$file"
        zip_entry "$file" word/document.xml >"$parts/document.xml"
        add_seed docx "$parts/document.xml"
        # One seed per top-level table too, for the same reason as the text tables below.
        if command -v python3 >/dev/null 2>&1; then
            python3 - "$parts/document.xml" "$parts" <<'PYTHON'
import re, sys
xml = open(sys.argv[1], encoding="utf-8", errors="replace").read()
head, _, rest = xml.partition("<w:body>")
depth, start, count = 0, None, 0
for match in re.finditer(r"<w:tbl>|</w:tbl>", rest):
    if match.group() == "<w:tbl>":
        depth, start = depth + 1, match.start() if depth == 0 else start
    elif depth > 0:
        depth -= 1
        if depth == 0 and start is not None:
            count += 1
            with open(f"{sys.argv[2]}/table-{count}.xml", "w", encoding="utf-8") as out:
                out.write(head + "<w:body>" + rest[start:match.end()] + "</w:body></w:document>")
PYTHON
            for part in "$parts"/table-*.xml; do
                [ -e "$part" ] && add_seed docx "$part"
            done
            rm -f "$parts"/table-*.xml
        fi
    done
    for file in fixtures/xlsx/*.xlsx; do
        add_seed xlsx "$file"
        {
            zip_entry "$file" xl/worksheets/sheet1.xml
            printf '\0'
            zip_entry "$file" xl/sharedStrings.xml
        } | add_seed xlsx -
    done
    for file in fixtures/xls/*.xls; do add_seed xls "$file"; done
    for file in fixtures/doc/*.doc; do add_seed doc "$file"; done
    for file in fixtures/rtf/*.rtf fixtures/doc/abiword/*.doc; do add_seed rtf "$file"; done
    for file in fixtures/pdf/*.pdf; do add_seed pdf "$file"; done
    for file in fixtures/html/*.html; do add_seed html "$file"; done
    for file in fixtures/text/*.txt; do
        add_seed text "$file"
        add_seed normalize "$file"
        # One seed per table as well: a whole document is slow to mutate (tens of kilobytes,
        # read in tens of milliseconds), a single table is a few kilobytes.
        rm -f "$parts"/*
        awk -v dir="$parts" '/绩效目标表/ { part++ } { print > (dir "/" part + 0) }' "$file"
        for part in "$parts"/*; do
            add_seed text "$part"
            add_seed normalize "$part"
        done
        # Every cell of the text fixtures is a value the grammar must read.
        tr '\t' '\n' <"$file" | sed 's/^ *//; s/ *$//' | grep -v '^$' | sort -u | head -400 |
            while IFS= read -r cell; do printf '%s' "$cell" | add_seed value -; done
    done
    local target
    for target in $targets; do
        if [ -d "fuzz/seeds/$target" ]; then
            for file in "fuzz/seeds/$target"/*; do add_seed "$target" "$file"; done
        fi
    done
    rm -rf "$parts"
}
seed

# The longest input of each target. Inputs grow up to this and longer seeds are cut to it: a
# whole document is slow to mutate and read (a 50 KiB text takes tens of milliseconds under the
# fuzzer's instrumentation), while a table or two reaches the same code many times faster.
max_len() {
    case "$1" in
        pdf | doc) echo 524288 ;;
        docx | xlsx) echo 262144 ;;
        xls | html | rtf) echo 131072 ;;
        text | normalize) echo 32768 ;;
        *) echo 8192 ;;
    esac
}

# The dictionaries of each target (libFuzzer takes one file, so they are joined).
dictionaries() {
    case "$1" in
        docx | xlsx) echo "fuzz/dict/xml.dict fuzz/dict/words.dict" ;;
        html) echo "fuzz/dict/html.dict fuzz/dict/words.dict" ;;
        pdf) echo "fuzz/dict/pdf.dict" ;;
        rtf) echo "fuzz/dict/rtf.dict fuzz/dict/words.dict" ;;
        *) echo "fuzz/dict/words.dict" ;;
    esac
}

# ------------------------------------------------------------------------------------------
# Runs.
# ------------------------------------------------------------------------------------------

# Runs one target and writes its summary line to fuzz/artifacts/<target>/summary.
run_target() {
    local target="$1" artifacts dict log before started status elapsed runs after crashes note
    artifacts="fuzz/artifacts/$target"
    mkdir -p "$artifacts" fuzz/corpus/"$target" fuzz/target/dict
    dict="fuzz/target/dict/$target.dict"
    # shellcheck disable=SC2046
    cat $(dictionaries "$target") >"$dict"
    log="$artifacts/fuzz.log"
    before="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)"
    echo "fuzz: $target for ${seconds} s…" >&2
    started=$(date +%s)
    # -timeout: one input may take 30 s (the targets give the readers a 5 s budget, so an input
    # past 30 s ignores the budget); -rss_limit_mb: 2 GiB, four times what a batch may use.
    extra=()
    if [ "$jobs" -gt 1 ]; then extra=(-fork="$jobs"); fi
    local run=(cargo fuzz run -s "$sanitizer" "$target" "fuzz/corpus/$target" --)
    if [ -n "$bin_dir" ]; then run=("$bin_dir/$target" "fuzz/corpus/$target"); fi
    "${run[@]}" \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
        -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
        "${extra[@]}" >"$log" 2>&1
    status=$?
    elapsed=$(($(date +%s) - started))
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')"
    if [ -z "$runs" ]; then
        # A crash ends the run before the final statistics; the last status line has the count.
        runs="$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')"
    fi
    after="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)"
    crashes=$((after - before))
    note="$log"
    if [ "$crashes" -gt 0 ]; then
        note="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) -newer "$dict" | head -3 | tr '\n' ' ')"
    elif [ "$status" -ne 0 ]; then
        crashes="?"
        note="exit $status, see $log"
    fi
    printf '%-10s %12s %8s %8s  %s\n' "$target" "${runs:-0}" "$elapsed" "$crashes" "$note" \
        >"$artifacts/summary"
}

for target in $targets; do
    rm -f "fuzz/artifacts/$target/summary"
    if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
        run_target "$target" &
    else
        run_target "$target"
    fi
done
wait
summary=()
failed=0
for target in $targets; do
    line="$(cat "fuzz/artifacts/$target/summary" 2>/dev/null || printf '%-10s %12s %8s %8s  %s' "$target" 0 0 "?" "did not run")"
    summary+=("$line")
    crashes="$(echo "$line" | awk '{print $4}')"
    if [ "$crashes" != 0 ]; then failed=1; fi
done

echo
printf '%-10s %12s %8s %8s  %s\n' target runs seconds crashes "artifacts / log"
for line in "${summary[@]}"; do echo "$line"; done
if [ "$failed" -ne 0 ]; then
    echo
    echo "fuzz: crashes found; reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run -s $sanitizer <target> <artifact>" >&2
fi
exit "$failed"
