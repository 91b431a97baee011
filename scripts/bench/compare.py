"""The Python side of the comparison: the same files read with python-docx, openpyxl or
pdfplumber, doing the work that jixiao's own output requires of them.

    python compare.py {docx|xlsx|pdf} OUT.jsonl FOLDER

For every file under FOLDER (sorted, recursively), in one process, one file after another:

- docx, python-docx: every table's rows and each row's cells' text (`table.rows`, `row.cells`;
  python-docx repeats a merged cell in each grid column it covers, which is its merge handling);
- xlsx, openpyxl: every sheet's cell values and its merged ranges (`merged_cells` needs the
  normal, not the read-only, mode);
- pdf, pdfplumber: `extract_tables()` on every page.

Each file's tables are written as one JSON line, as jixiao writes one document per line. A file
the library cannot read is written with its error and the run goes on, as jixiao's does.

The last line on stdout is a JSON summary: files, PDF pages, tables, cells, the library and its
version, and two times: `loop_seconds` (opening and reading the files and writing the lines) and
`import_seconds` (loading the library). Throughput is reported from `loop_seconds`, which leaves
Python's start-up out and so favours Python; jixiao's figures include its whole process.
"""

import json
import sys
import time
from pathlib import Path


def _text(value):
    return "" if value is None else str(value)


def read_docx(docx, path):
    document = docx.Document(str(path))
    tables = []
    for table in document.tables:
        tables.append([[cell.text for cell in row.cells] for row in table.rows])
    return tables, 0


def read_xlsx(openpyxl, path):
    workbook = openpyxl.load_workbook(str(path), data_only=True)
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            merged = [str(region) for region in sheet.merged_cells.ranges]
            sheets.append({"sheet": sheet.title, "rows": rows, "merged": merged})
        return sheets, 0
    finally:
        workbook.close()


def read_pdf(pdfplumber, path):
    tables = []
    pages = 0
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            pages += 1
            for table in page.extract_tables():
                tables.append([[_text(cell) for cell in row] for row in table])
            # Drops the page's cached layout objects, as a careful user of pdfplumber does to
            # keep memory flat over many pages.
            page.close()
    return tables, pages


def _count_cells(fmt, tables):
    if fmt == "xlsx":
        return sum(len(row) for sheet in tables for row in sheet["rows"])
    return sum(len(row) for table in tables for row in table)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("docx", "xlsx", "pdf"):
        sys.stderr.write("usage: compare.py {docx|xlsx|pdf} OUT.jsonl FOLDER\n")
        return 2
    fmt, out_path, folder = argv[1], Path(argv[2]), Path(argv[3])

    started = time.perf_counter()
    if fmt == "docx":
        import docx as library  # noqa: PLC0415 - imported inside the timed start-up

        name, version, reader = "python-docx", _version("python-docx"), read_docx
    elif fmt == "xlsx":
        import openpyxl as library  # noqa: PLC0415

        name, version, reader = "openpyxl", _version("openpyxl"), read_xlsx
    else:
        import pdfplumber as library  # noqa: PLC0415

        name, version, reader = "pdfplumber", _version("pdfplumber"), read_pdf
    import_seconds = time.perf_counter() - started

    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    summary = {
        "library": name,
        "version": version,
        "files": 0,
        "failed": 0,
        "pages": 0,
        "tables": 0,
        "cells": 0,
        "import_seconds": import_seconds,
    }
    started = time.perf_counter()
    with open(out_path, "w", encoding="utf-8") as out:
        for path in paths:
            summary["files"] += 1
            try:
                tables, pages = reader(library, path)
            except Exception as error:  # noqa: BLE001 - a bad file is recorded, not fatal
                summary["failed"] += 1
                out.write(json.dumps({"path": str(path), "error": repr(error)}) + "\n")
                continue
            summary["pages"] += pages
            summary["tables"] += len(tables)
            summary["cells"] += _count_cells(fmt, tables)
            out.write(json.dumps({"path": str(path), "tables": tables}, ensure_ascii=False))
            out.write("\n")
    summary["loop_seconds"] = time.perf_counter() - started
    print(json.dumps(summary))
    return 0


def _version(distribution):
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
