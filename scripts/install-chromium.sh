#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium, which scripts/web-fixtures.sh uses to print the
# corpus HTML to PDF the way a user's browser does (the printed PDFs are committed), and in which
# the review page of `jixiao review` is tested (tests/review.rs; `make test-tools` runs this).
set -u
# WenQuanYi Zen Hei has TrueType outlines, so Chromium embeds it as a CID TrueType font with
# Identity-H, as it does the Windows fonts of users' pages (an OpenType/CFF CJK font would be
# printed as Type3 glyph procedures instead).
if { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } &&
  fc-list 2>/dev/null | grep -q "WenQuanYi Zen Hei"; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is not installed and apt-get is not available; install Debian's 'chromium'." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
    echo "Chromium is not installed and this user cannot install packages." >&2
    exit 1
  fi
fi
echo "installing chromium to print the corpus HTML to PDF (one time)…" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q --no-install-recommends chromium fonts-wqy-zenhei >/tmp/jixiao-chromium-apt.log 2>&1; then
  $sudo apt-get update -q >>/tmp/jixiao-chromium-apt.log 2>&1 || true
  if ! $sudo apt-get install -y -q --no-install-recommends chromium fonts-wqy-zenhei >>/tmp/jixiao-chromium-apt.log 2>&1; then
    echo "could not install chromium (see /tmp/jixiao-chromium-apt.log)." >&2
    exit 1
  fi
fi
