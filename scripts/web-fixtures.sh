#!/usr/bin/env bash
# Writes the web-copy fixtures under fixtures/web/ (`make fixtures-web`):
#   text/<dialect>/<stem>.txt  every corpus seed in each text dialect of tables copied out of
#                              web pages (blank-line cells, pipe lines, Markdown, ragged TSV,
#                              space-aligned columns), by examples/web_fixtures.rs;
#   html/<stem>.html           every corpus HTML page saved as a government site serves it
#                              (GBK, layout tables, page chrome), by the same example;
#   pdf/<stem>.pdf             every corpus HTML page printed to PDF by Debian's Chromium
#                              (Skia/PDF), as a user's browser prints it;
#   side-by-side/goals.pdf     side-by-side/goals.html (hand-written: 项目总目标 beside
#                              年度总体目标) printed the same way, with its borders and
#                              without them (goals-unruled.*).
# The outputs are committed, so that tests need neither the corpus nor a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${CORPUS:-../shared/corpus}"
out=fixtures/web
if [ ! -d "$corpus/seeds" ] || [ ! -d "$corpus/rendered" ]; then
  echo "the corpus is not at $corpus (set CORPUS=path/to/corpus)" >&2
  exit 1
fi
cargo run --quiet --locked --example web_fixtures -- "$corpus/seeds" "$corpus/rendered" "$out"

scripts/install-chromium.sh
browser=$(command -v chromium || command -v chromium-browser)
mkdir -p "$out/pdf"
# The pages name no font: make the CJK fallback WenQuanYi Zen Hei (TrueType), the kind of font a
# user's browser embeds as CID TrueType with Identity-H.
fonts=$(mktemp -d)
trap 'rm -rf "$fonts"' EXIT
cat >"$fonts/fonts.conf" <<'CONF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="pattern">
    <edit name="family" mode="prepend" binding="strong"><string>WenQuanYi Zen Hei</string></edit>
  </match>
</fontconfig>
CONF
export FONTCONFIG_FILE="$fonts/fonts.conf"
for page in "$corpus"/rendered/*.html; do
  stem=$(basename "$page" .html)
  # A fresh profile each time, so that nothing of an earlier run leaks into the print.
  profile=$(mktemp -d)
  "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
    --no-pdf-header-footer --print-to-pdf="$out/pdf/$stem.pdf" \
    "file://$(realpath "$page")" >/dev/null 2>&1
  rm -rf "$profile"
  echo "printed $out/pdf/$stem.pdf" >&2
done
# Two goal paragraphs side by side (项目总目标 | 年度总体目标), whose lines interleave in the
# PDF's text order.
# goals-unruled.html is the same form with no borders, so that no rule keeps the paragraphs
# apart.
sed 's/border: 1px solid #000;/border: none;/' "$out/side-by-side/goals.html" \
  >"$out/side-by-side/goals-unruled.html"
for stem in goals goals-unruled; do
  profile=$(mktemp -d)
  "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
    --no-pdf-header-footer --print-to-pdf="$out/side-by-side/$stem.pdf" \
    "file://$(realpath "$out/side-by-side/$stem.html")" >/dev/null 2>&1
  rm -rf "$profile"
  echo "printed $out/side-by-side/$stem.pdf" >&2
done
