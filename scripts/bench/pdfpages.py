"""Counts the pages of a PDF cheaply, so that PDF throughput can be given in pages per second.

Two methods, best first:

- `pypdf`, when it can be imported (it is in the benchmark's virtual environment): it reads the
  page tree, so it is right even when page objects sit inside compressed object streams.
- A count of `/Type /Page` dictionaries in the raw bytes (standard library only), for machines
  without the virtual environment. It is exact for the office-suite PDFs of the corpus, whose
  page objects are not compressed, and it returns `None` rather than a wrong figure when it finds
  nothing (a PDF whose page objects are all compressed).
"""

import re

# `/Type /Page` but not `/Type /Pages` (the page tree's inner nodes); PDF allows any whitespace,
# or none, between the two names.
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z0-9])")


def count_by_scan(data):
    """Counts page dictionaries in the raw bytes of a PDF; `None` when there are none to see."""
    found = len(_PAGE_OBJECT.findall(data))
    return found or None


def count_with_pypdf(path):
    """Counts pages through pypdf's page tree; `None` when pypdf is missing or cannot read it."""
    try:
        import pypdf  # noqa: PLC0415 - optional, present only in the benchmark's venv
    except ImportError:
        return None
    try:
        return len(pypdf.PdfReader(str(path)).pages)
    except Exception:  # noqa: BLE001 - any failure only means this method has no answer
        return None


def count_pages(path):
    """Returns `(pages, method)` for the PDF at `path`; pages is `None` when neither method can
    tell."""
    pages = count_with_pypdf(path)
    if pages is not None:
        return pages, "pypdf"
    with open(path, "rb") as handle:
        return count_by_scan(handle.read()), "scan"
