#!/usr/bin/env bash
# Makes the Python environment that builds and tests the `jixiao` wheel: maturin, pytest,
# pyarrow and orjson (required), pyspark, pandas and Java (for the Spark tests; when either
# cannot be had, the reason is printed and the Spark tests are skipped, everything else still
# runs).
#
# Two layers, so that a fresh clone (CI's) does not install 900 MB of packages again:
# - the packages of crates/python/requirements-*.txt go into a shared environment under
#   ~/.cache/jixiao/ (JIXIAO_PYTHON_DEPS), named by a hash of the requirements files, made
#   once per machine and reused by every clone and work tree;
# - the work tree's own .venv (JIXIAO_VENV), made in a second, sees those packages through a
#   .pth file and receives this work tree's wheel (scripts/python-test.sh), so two work trees
#   never install their wheels over each other.
set -u
cd "$(dirname "$0")/.."
venv="${JIXIAO_VENV:-.venv}"
python="${PYTHON:-python3}"
requirements=(crates/python/requirements-test.txt crates/python/requirements-spark.txt)

if ! command -v "$python" >/dev/null 2>&1; then
  echo "python-env: $python not found: install Python 3.9 or newer" >&2
  exit 1
fi
hash=$(cat "${requirements[@]}" | sha256sum | cut -c1-12)
deps="${JIXIAO_PYTHON_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/jixiao/python-deps-$hash}"

make_venv() {
  [ -x "$1/bin/python" ] && return 0
  echo "python-env: creating $1" >&2
  mkdir -p "$(dirname "$1")"
  "$python" -m venv "$1" || { echo "python-env: cannot create $1" >&2; return 1; }
}

# Installs one requirements file into the shared environment unless already done.
install() {
  local file="$1" name
  name=$(basename "$file" .txt)
  [ -f "$deps/.installed-$name" ] && return 0
  echo "python-env: installing $file into $deps (once per machine)" >&2
  if "$deps/bin/python" -m pip install --disable-pip-version-check -q -r "$file" \
      >"$deps/pip-$name.log" 2>&1; then
    touch "$deps/.installed-$name"
  else
    echo "python-env: pip could not install $file (see $deps/pip-$name.log)" >&2
    return 1
  fi
}

make_venv "$deps" || exit 1
install crates/python/requirements-test.txt || exit 1
# The Spark tests skip themselves, saying why, when pyspark or Java is missing.
install crates/python/requirements-spark.txt || true

make_venv "$venv" || exit 1
site() { "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
echo "$(site "$deps")" >"$(site "$venv")/jixiao-python-deps.pth"
# The tools of the shared environment, reached from the work tree's.
# maturin, from the shared environment, builds into the work tree's (scripts/python-test.sh).
ln -sf "$(cd "$deps/bin" && pwd)/maturin" "$venv/bin/maturin"

if ! command -v java >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; fi
  if command -v apt-get >/dev/null 2>&1; then
    echo "python-env: installing openjdk-17-jre-headless for the Spark tests (one time)" >&2
    export DEBIAN_FRONTEND=noninteractive
    log=/tmp/jixiao-java-apt.log
    if ! $sudo apt-get install -y -q --no-install-recommends openjdk-17-jre-headless >"$log" 2>&1; then
      $sudo apt-get update -q >>"$log" 2>&1 || true
      $sudo apt-get install -y -q --no-install-recommends openjdk-17-jre-headless >>"$log" 2>&1 \
        || echo "python-env: could not install Java (see $log): the Spark tests will be skipped" >&2
    fi
  else
    echo "python-env: Java is missing and apt-get is not available: the Spark tests will be skipped" >&2
  fi
fi
exit 0
