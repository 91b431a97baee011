#!/usr/bin/env bash
# Installs LibreOffice's headless Writer, for the opt-in `--doc-converter soffice` fallback
# (`make doc-converter`). Prints why when it cannot; that fallback's test is then skipped.
set -u
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "LibreOffice is not installed and apt-get is not available: .doc fallback test will be skipped." >&2
  echo "Install the package that provides 'soffice' (Debian: libreoffice-writer-nogui)." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
    echo "LibreOffice is not installed and this user cannot install packages: .doc fallback test will be skipped." >&2
    exit 1
  fi
fi
echo "installing libreoffice-writer-nogui for the .doc reader (one time)…" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q --no-install-recommends libreoffice-writer-nogui >/tmp/jixiao-apt.log 2>&1; then
  $sudo apt-get update -q >/tmp/jixiao-apt.log 2>&1 || true
  if ! $sudo apt-get install -y -q --no-install-recommends libreoffice-writer-nogui >>/tmp/jixiao-apt.log 2>&1; then
    echo "could not install libreoffice-writer-nogui (see /tmp/jixiao-apt.log): .doc fallback test will be skipped." >&2
    exit 1
  fi
fi
