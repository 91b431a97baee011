#!/usr/bin/env bash
# Makes the fixtures of the native .doc and RTF readers from the corpus documents, with other
# writers than the one that made fixtures/doc/*.doc:
#
#   fixtures/rtf/<stem>.rtf          LibreOffice's RTF export of every corpus .docx
#   fixtures/doc/abiword/<stem>.doc  AbiWord's Word 97 export (`abiword --to=doc`) of each RTF
#
# The fixtures are committed, so tests need neither program; run this only to remake them:
#
#   scripts/make-doc-fixtures.sh [CORPUS_DIR]   default ../shared/corpus/rendered
#
# Installs its Debian packages (libreoffice-writer-nogui, abiword) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/rendered}"

install() {
    local missing=()
    command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
    command -v abiword >/dev/null 2>&1 || missing+=(abiword)
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
    echo "installing ${missing[*]} (one time)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
install

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p fixtures/rtf fixtures/doc/abiword
for docx in "$corpus"/*.docx; do
    stem="$(basename "$docx" .docx)"
    soffice -env:UserInstallation="file://$work/profile" --headless --norestore --nologo \
        --convert-to rtf --outdir "$work" "$docx" >/dev/null 2>&1
    cp "$work/$stem.rtf" "fixtures/rtf/$stem.rtf"
    # AbiWord reads RTF more faithfully than docx; its Word export is its own writer.
    abiword --to=doc --to-name="fixtures/doc/abiword/$stem.doc" "fixtures/rtf/$stem.rtf" >/dev/null 2>&1
    echo "made fixtures/rtf/$stem.rtf and fixtures/doc/abiword/$stem.doc" >&2
done
