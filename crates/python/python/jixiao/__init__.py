"""jixiao: Chinese performance target tables (绩效目标表) as structured data.

Reads .docx, .doc, .xlsx, .xls, PDF (text layer), HTML and pasted text, and gives for each
file the same document as the ``jixiao`` command line's JSON (see the project's docs/SPEC.md).

>>> import jixiao
>>> doc = jixiao.extract("2021/项目支出绩效目标表.docx")           # doctest: +SKIP
>>> doc["status"], len(doc["tables"])                             # doctest: +SKIP
('ok', 3)
>>> for doc in jixiao.extract_many(["archive/"], jobs=4):         # doctest: +SKIP
...     print(doc["source"]["path"], doc["status"])
>>> table = jixiao.to_arrow(jixiao.extract_many(["archive/"]))    # doctest: +SKIP

A file that cannot be read is never an exception: its document has ``status: "failed"`` and an
``error`` with a ``code`` and a message a user can act on. Exceptions are for wrong arguments.

Limits (keyword arguments of ``extract`` and ``extract_many``, as the command line's flags):
``max_input`` (bytes, or a size such as ``"512M"``), ``max_inflate``, ``max_depth``,
``max_pages``, ``max_cells``, ``timeout`` (seconds per file; 0 or None for none),
``doc_converter`` (``"none"``, the default, or ``"soffice"``: LibreOffice for the ``.doc``
files the native reader fails on).

``jixiao.spark`` reads the same on a Spark cluster: ``read_tables`` and ``read_indicators``.
"""

from __future__ import annotations

import gc
import json
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from . import _jixiao

try:
    # orjson (a dependency of the wheel) gives the same dicts as json.loads in about half the
    # time: on 2 cores that parse competes with the extraction workers. It also writes the
    # documents that indicator_rows and to_arrow hand back to the native module, about 10
    # times as fast as json.dumps.
    from orjson import dumps as _dump
    from orjson import loads as _parse
except ImportError:  # pragma: no cover - a platform without an orjson wheel
    from json import loads as _parse

    _dump = None

__all__ = [
    "extract",
    "extract_many",
    "indicator_rows",
    "to_arrow",
    "row_schema",
    "ROW_COLUMNS",
    "__version__",
]

__version__: str = _jixiao.__version__

PathLike = Union[str, "os.PathLike[str]"]


def extract(
    data: Union[bytes, bytearray, memoryview, PathLike],
    name: Optional[str] = None,
    **limits: Any,
) -> Dict[str, Any]:
    """Extracts one file and returns its document as a dict.

    ``data`` is either the file's bytes or its path (``str`` or ``os.PathLike``); a ``str`` is
    always a path, so pasted text must be passed as bytes (``text.encode()``). ``name`` is
    written as ``source.path`` (for bytes it defaults to ``"-"``, as the command line names
    standard input); its extension only breaks ties when the content could be two formats.

    The dict is the command line's document for the same input: ``json.dumps(doc,
    ensure_ascii=False, indent=2)`` is the text ``jixiao extract FILE`` prints.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        text = _jixiao.extract_bytes(bytes(data), "-" if name is None else name, limits)
    elif isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        text = _jixiao.extract_path(path, name, limits)
    else:
        raise TypeError(
            f"extract() takes bytes or a path, not {type(data).__name__}"
        )
    return _loads(text)


def _loads(text: Union[str, bytes]) -> Dict[str, Any]:
    """A document's JSON as a dict, with Python's cyclic collector paused: a document is a
    tree of dicts and lists, so the collector, which the thousands of new dicts would start
    again and again, can find nothing to free in it, and its passes cost about a quarter of the
    parse. The collector is left as it was found (other threads cannot run meanwhile: the parse
    holds the GIL)."""
    if not gc.isenabled():
        return _parse(text)
    gc.disable()
    try:
        return _parse(text)
    finally:
        gc.enable()


def extract_many(
    paths: Union[PathLike, Iterable[PathLike]],
    jobs: Optional[int] = None,
    **limits: Any,
) -> Iterator[Dict[str, Any]]:
    """Extracts many files in parallel and yields their documents in order.

    ``paths`` are files or folders (a folder's files are taken recursively, in sorted order,
    skipping hidden files and Office lock files, as the command line does). Documents come in
    the order of ``paths``. ``jobs`` is the number of worker threads (default: one per core).

    The work runs in native threads with the GIL released; only turning each document into a
    dict holds it. Memory stays bounded: workers wait when the consumer falls behind. Closing
    the iterator early stops the work.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    names = [os.fsdecode(os.fspath(path)) for path in paths]
    if jobs is not None and jobs < 0:
        raise ValueError("jobs must be 0 (one per core) or more")
    stream = _jixiao.DocumentStream(names, jobs, limits)
    return (_loads(line) for line in stream)


#: The columns of the indicator rows, in order: the CSV output's columns.
ROW_COLUMNS: List[str] = list(_jixiao.ROW_COLUMNS)


def indicator_rows(doc: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The rows of one document: one per indicator, with the columns of the CSV output.

    Each row repeats its document's columns (path, format, sha256, status) and its table's
    (table index, table_kind, table_title, project_name, project_code, department,
    project_unit, budget_unit, budget_total, budget_fiscal, warnings), then the indicator's
    (level1, level2, level3, description, basis, page, sheet) and its *primary value*: the
    first value whose period is annual or not stated, else the first (value_label,
    value_label_raw, period, raw), parsed into typed columns: value_kind, op, number, low,
    high (floats), value_unit, approx (bool), grade, date, text. The other values are in
    ``other_values`` as ``label=raw; ...``. An absent field is ``None``.

    A failed document (or an empty one) gives one row carrying its error (error_code,
    error_message); a document whose tables have no indicators gives no row.
    """
    return _jixiao.indicator_rows(_dumps(doc))


def _dumps(doc: Dict[str, Any]) -> Union[str, bytes]:
    """A document as JSON for the native module: orjson's UTF-8 bytes, or ``json.dumps``'s
    text for what orjson does not write (an int key, an integer beyond 64 bits...) or where
    orjson is missing."""
    if _dump is not None:
        try:
            return _dump(doc)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(doc, ensure_ascii=False)


def row_schema() -> "pyarrow.Schema":  # noqa: F821
    """The Arrow schema of ``to_arrow``, ``jixiao.spark.read_indicators`` and the command
    line's ``--format parquet``."""
    import pyarrow as pa

    return pa.ipc.open_stream(_jixiao.rows_schema_ipc()).schema


def to_arrow(docs: Union[Dict[str, Any], Iterable[Dict[str, Any]]]) -> "pyarrow.Table":  # noqa: F821
    """The indicator rows of documents as one ``pyarrow.Table`` (see ``indicator_rows``).

    Needs pyarrow. The table has the same columns and types as ``jixiao extract --format
    parquet``: text columns are ``string``, numbers (number, low, high, budget_total,
    budget_fiscal) ``float64``, ``table`` and ``page`` ``int64``, ``approx`` ``bool``.
    """
    import pyarrow as pa

    if isinstance(docs, dict):
        docs = [docs]
    payload = [_dumps(doc) for doc in docs]
    return pa.ipc.open_stream(_jixiao.rows_ipc(payload)).read_all()
