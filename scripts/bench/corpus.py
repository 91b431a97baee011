"""Builds benchmark corpora: thousands of copies of the repository's fixture files.

A corpus is a folder of `count` files taken round-robin from `fixtures/<format>/` for the formats
asked for, spread over sub-folders of `per_dir` files (so that the command line's folder walk is
part of what is measured) and named in several styles that users' archives show: plain numbered
names, Chinese names, names with spaces and brackets. Every file is a byte-for-byte copy, not a
link, so that each one is read from its own inode as a user's archive would be.

A manifest written last beside the folder (`<folder>.manifest.json`, outside it so that it is
not taken for an input) records what the corpus holds (counts, bytes and PDF pages per
format, and the hash of every source file). A later run whose request matches the manifest reuses
the corpus instead of copying gigabytes again; any change to the fixtures rebuilds it.

Standard library only: this runs on machines without the benchmark's virtual environment.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path

import pdfpages

# Bumped whenever the layout or naming below changes, so that old corpora are rebuilt.
LAYOUT_VERSION = 2

FORMATS = ("text", "docx", "doc", "xlsx", "xls", "html", "pdf")

# Naming styles taken in turn. Each keeps the source's stem somewhere (or the index) so that a
# slow or failing file can be traced back to its fixture; all keep the real extension.
NAME_STYLES = (
    "{index:05d}_{stem}{ext}",
    "项目{index:05d}_绩效目标表{ext}",
    "dept {index:05d} ({stem}){ext}",
    "{stem}-副本{index:05d}{ext}",
)


def fixture_files(fixtures, fmt):
    """The fixture files of one format, sorted, or an error that says what is missing."""
    folder = Path(fixtures) / fmt
    if not folder.is_dir():
        raise SystemExit(f"bench: no fixture folder {folder}: run from the repository root")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SystemExit(f"bench: {folder} holds no files to copy")
    return files


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def plan(fixtures, formats, count):
    """Lists `(relative path, source)` for every file of the corpus, in a fixed order.

    File `index` takes format `formats[index % len(formats)]` and that format's sources in turn,
    so that every prefix of the corpus has the same mix of formats and documents.
    """
    sources = {fmt: fixture_files(fixtures, fmt) for fmt in formats}
    entries = []
    for index in range(count):
        fmt = formats[index % len(formats)]
        fmt_sources = sources[fmt]
        source = fmt_sources[(index // len(formats)) % len(fmt_sources)]
        style = NAME_STYLES[index % len(NAME_STYLES)]
        name = style.format(index=index, stem=source.stem, ext=source.suffix)
        entries.append((name, fmt, source))
    return entries


def _relative(index, name, per_dir):
    return Path(f"d{index // per_dir:03d}") / name


def _manifest_request(fixtures, formats, count, per_dir):
    hashes = {}
    for fmt in formats:
        for source in fixture_files(fixtures, fmt):
            hashes[f"{fmt}/{source.name}"] = sha256_of(source)
    return {
        "layout_version": LAYOUT_VERSION,
        "formats": list(formats),
        "count": count,
        "per_dir": per_dir,
        "sources": hashes,
    }


def build(dest, fixtures, formats, count, per_dir=500, log=print):
    """Builds (or reuses) the corpus at `dest` and returns its manifest as a dict."""
    if count < 1:
        raise SystemExit(f"bench: a corpus needs at least one file, not {count}")
    formats = tuple(formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise SystemExit(f"bench: unknown format {fmt!r}; known: {' '.join(FORMATS)}")
    dest = Path(dest)
    request = _manifest_request(fixtures, formats, count, per_dir)
    manifest_path = manifest_path_of(dest)
    if manifest_path.is_file():
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
        if old is not None and all(old.get(k) == v for k, v in request.items()):
            return old
    manifest_path.unlink(missing_ok=True)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    log(f"bench: building {dest} ({count} files: {' '.join(formats)})")

    pages_of = {}
    files_by_format = dict.fromkeys(formats, 0)
    bytes_by_format = dict.fromkeys(formats, 0)
    pages = 0
    page_method = None
    for index, (name, fmt, source) in enumerate(plan(fixtures, formats, count)):
        target = dest / _relative(index, name, per_dir)
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        files_by_format[fmt] += 1
        bytes_by_format[fmt] += source.stat().st_size
        if fmt == "pdf":
            if source not in pages_of:
                pages_of[source], page_method = pdfpages.count_pages(source)
            if pages_of[source] is None or pages is None:
                pages = None
            else:
                pages += pages_of[source]

    manifest = dict(request)
    manifest.update(
        {
            "files_by_format": files_by_format,
            "bytes_by_format": bytes_by_format,
            "bytes": sum(bytes_by_format.values()),
            "pdf_pages": pages if "pdf" in formats else 0,
            "pdf_page_method": page_method,
        }
    )
    # Written last and atomically: a corpus interrupted half-way has no manifest and is rebuilt.
    temporary = manifest_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, manifest_path)
    return manifest


def manifest_path_of(dest):
    """Where the manifest of the corpus at `dest` lives: beside the folder, not inside it."""
    dest = Path(dest)
    return dest.with_name(dest.name + ".manifest.json")


def files_in(dest):
    """Every file of the corpus at `dest`, sorted."""
    return sorted(p for p in Path(dest).rglob("*") if p.is_file())


def warm_page_cache(dest):
    """Reads every file once so that timed runs measure parsing, not the first disk read."""
    total = 0
    for path in files_in(dest):
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                total += len(block)
    return total
