#!/usr/bin/env bash
# Builds the `jixiao` wheel into the work tree's Python environment (made by
# scripts/python-env.sh) and runs the Python tests. `make test` calls it after the cargo tests,
# so the command line the tests compare with (target/debug/jixiao) is built.
#
# The wheel is built with cargo's dev profile into the workspace's target folder, so it reuses
# what the cargo tests compiled (dependencies are optimised there: see
# [profile.dev.package."*"] in Cargo.toml). `make bench-python` builds a release wheel instead.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${JIXIAO_VENV:-.venv}"
profile="${JIXIAO_WHEEL_PROFILE:-dev}"

scripts/python-env.sh

# The feature pins of crates/python/Cargo.toml: warn (only) when a shared crate gets other
# features in the wheel's build than in the cargo tests', which costs a second compile of it.
features() { cargo tree --locked "$@" -f '{p} [{f}]' --prefix none --no-dedupe 2>/dev/null | sort -u; }
"$venv/bin/python" - <(features --workspace -e normal,build,dev) \
    <(features -p jixiao-python -e normal,build) <<'EOF' || true
import sys
def load(path):
    return dict(line.rstrip("]\n").split(" [", 1) for line in open(path) if " [" in line)
tests, wheel = load(sys.argv[1]), load(sys.argv[2])
for name in sorted(set(tests) & set(wheel)):
    if tests[name] != wheel[name]:
        print(f"python-test: warning: {name} has features [{tests[name]}] in the tests but "
              f"[{wheel[name]}] in the wheel: update the pins of crates/python/Cargo.toml",
              file=sys.stderr)
EOF

[ -x target/debug/jixiao ] || cargo build --locked --quiet --bin jixiao
echo "python-test: building the wheel (maturin, profile $profile)" >&2
VIRTUAL_ENV="$PWD/$venv" PATH="$PWD/$venv/bin:$PATH" \
  "$venv/bin/maturin" develop --locked --profile "$profile" -m crates/python/Cargo.toml -q
# -rs prints why a test was skipped (the Spark tests without pyspark or Java).
exec "$venv/bin/python" -m pytest crates/python/tests -q -rs -p no:cacheprovider "$@"
