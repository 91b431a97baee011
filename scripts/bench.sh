#!/usr/bin/env bash
# `make bench`: throughput, scaling and memory figures for jixiao, with python-docx, openpyxl
# and pdfplumber measured on the same files in the same run. Writes bench-work/results/ and,
# for a full run of the release build, this machine's section of BENCHMARKS.md.
#
# This script prepares (release build, GNU time, the comparison libraries' virtualenv) and
# then hands over to scripts/bench/run.py, which builds the corpora, measures and reports.
#
# Settings, all optional (defaults in brackets; QUICK=1 changes several for a smoke run):
#   QUICK=1          small corpora, one run each, fewer comparison files (about a minute)
#   JOBS_LIST        worker counts to measure, e.g. "1 16"  [1 and every usable core]
#   FORMATS          formats to measure  [text docx xlsx xls html pdf]
#   PER_FORMAT       files per format corpus  [1000; QUICK 60]
#   PDF_FILES        files in the PDF corpus (11-22 pages each)  [150; QUICK 12]
#   MEM_SIZES        mixed-corpus sizes for peak memory  [1000 10000; QUICK 100 500]
#   MEM_FORMATS      formats in the mixed corpora  [FORMATS]
#   REPEAT           timed runs per setting; the best counts  [3; QUICK 1]
#   DOC_FILES        .doc files through LibreOffice, 0 to skip  [3; QUICK 1]
#   NO_PYTHON=1      skip the Python comparisons and the virtualenv (machines without network)
#   COMPARE_DOCX, COMPARE_XLSX, COMPARE_PDF   files compared with Python  [60, 30, 6]
#   RUN_TIMEOUT      seconds one measured command may take  [1800]
#   JIXIAO_BIN       binary to measure instead of building target/release/jixiao
#                    (scripts/bench/standin.py tests the harness without jixiao)
#   JIXIAO_COMMIT    the commit a JIXIAO_BIN binary was built from, for the report
#   SKIP_BUILD=1     measure the existing target/release/jixiao without running cargo
#   UPDATE_DOC       1 writes BENCHMARKS.md, 0 never  [auto: only a full run of the release build]
#   BENCH_SECTION    name of this machine's section in BENCHMARKS.md  ["<cores>-core"]
#   BENCH_WORK       scratch folder (git-ignored)  [bench-work]
#   BENCH_DOC        file to write the section into  [BENCHMARKS.md; the harness's tests set it]
#
# The 16-core scaling figure, on a machine without network:
#   NO_PYTHON=1 JOBS_LIST="1 16" make bench
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# run.py uses the same default; the folder is not exported so that the report lists only the
# settings a user chose.
work="${BENCH_WORK:-bench-work}"
mkdir -p "$work"
# make sets MAKELEVEL for the commands of its recipes: say which command to repeat.
if [[ -n "${MAKELEVEL:-}" ]]; then export BENCH_COMMAND="make bench"; else export BENCH_COMMAND="scripts/bench.sh"; fi

# --- Python 3 (standard library) drives the measurements -----------------------------------
command -v python3 >/dev/null 2>&1 ||
  die "python3 is needed to run the benchmark (Debian: apt-get install python3 python3-venv)"
python3 - <<'EOF' || die "python3 is older than 3.9; the benchmark needs 3.9 or newer"
import sys
sys.exit(0 if sys.version_info >= (3, 9) else 1)
EOF

# --- the binary to measure ---------------------------------------------------------------
if [[ -n "${JIXIAO_BIN:-}" ]]; then
  [[ -x "$JIXIAO_BIN" ]] || die "JIXIAO_BIN=$JIXIAO_BIN is not an executable file"
  export JIXIAO_BIN_BUILT=0
else
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    command -v cargo >/dev/null 2>&1 ||
      die "cargo is not installed: install Rust, or set JIXIAO_BIN to a jixiao binary"
    say "building the release binary (cargo build --release --locked)"
    cargo build --release --locked
  fi
  [[ -x target/release/jixiao ]] ||
    die "target/release/jixiao is missing: run without SKIP_BUILD=1, or set JIXIAO_BIN"
  export JIXIAO_BIN="$root/target/release/jixiao"
  export JIXIAO_BIN_BUILT=1
fi

# --- GNU time for max RSS ----------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing GNU time (apt-get install time) for max RSS figures"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >"$work/apt-time.log" 2>&1 ||
      say "could not install GNU time (see $work/apt-time.log): max RSS comes from os.wait4"
  else
    say "GNU time is not installed: max RSS comes from os.wait4 (the same kernel figure)"
  fi
fi

# --- the comparison libraries, in a virtualenv of their own --------------------------------
if [[ "${NO_PYTHON:-0}" != 1 ]]; then
  venv="$work/venv"
  requirements=scripts/bench/requirements.txt
  stamp="$venv/.requirements.sha256"
  wanted=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$requirements")
  # Reused only when it was made from these requirements and still imports them (a venv
  # outlives the Python it was made with, and then breaks).
  if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]] ||
    ! "$venv/bin/python" -c 'import docx, openpyxl, pdfplumber, pypdf' >/dev/null 2>&1; then
    say "installing python-docx, openpyxl, pdfplumber and pypdf into $venv (one time)"
    rm -rf "$venv"
    python3 -m venv "$venv" ||
      die "python3 -m venv failed (Debian: apt-get install python3-venv); or run with NO_PYTHON=1"
    if ! "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" \
        >"$work/pip.log" 2>&1; then
      tail -n 5 "$work/pip.log" >&2 || true
      rm -rf "$venv"
      die "pip could not install the comparison libraries (see $work/pip.log); without network, run with NO_PYTHON=1"
    fi
    printf '%s\n' "$wanted" >"$stamp"
  fi
  VENV_PYTHON="$(cd "$venv" && pwd)/bin/python"
  export VENV_PYTHON
  # pypdf in the venv counts PDF pages from the page tree; the driver itself runs there too.
  driver_python="$VENV_PYTHON"
else
  driver_python=python3
fi

exec "$driver_python" scripts/bench/run.py
