#!/usr/bin/env python3
"""A stand-in for `jixiao extract`, used only to develop and test the benchmark harness while
the real command line is not built. It is not jixiao and its figures mean nothing about jixiao.

    JIXIAO_BIN=scripts/bench/standin.py QUICK=1 NO_PYTHON=1 scripts/bench.sh

It accepts the options of SPEC.md that the harness uses (`extract`, `-j N`, `--format`, `-o`,
`--out-dir`, files and folders walked recursively) and writes one document per input, in sorted
path order, with the SPEC's envelope (`schema_version`, `source`, `status`, `error`, `tables`,
`warnings`). Its work per file is real but small: it reads the file, hashes it, decides the
format from the extension and, for text, decodes it. `-j N` maps files over N worker processes
in order and streaming, so that the harness's memory and speed-up figures have something
honest to measure. `--version` names it a stand-in, and the harness refuses to write its
figures into BENCHMARKS.md.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
from pathlib import Path

VERSION = "jixiao-bench-standin 0 (not jixiao)"

FORMAT_OF = {
    ".txt": "text",
    ".docx": "docx",
    ".doc": "doc",
    ".xlsx": "xlsx",
    ".xls": "xls",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}


def walk(paths):
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file())
        else:
            found.append(path)
    return sorted(found)


def document(path):
    source = {"path": str(path), "format": FORMAT_OF.get(path.suffix.lower(), "text")}
    try:
        data = path.read_bytes()
    except OSError as error:
        return {
            "schema_version": "1",
            "source": source,
            "status": "failed",
            "error": {"code": "unreadable", "message": str(error)},
            "title": None,
            "tables": [],
            "warnings": [],
        }
    source["bytes"] = len(data)
    source["sha256"] = hashlib.sha256(data).hexdigest()
    lines = 0
    if source["format"] == "text":
        for encoding in ("utf-8", "gb18030"):
            try:
                lines = len(data.decode(encoding).splitlines())
                source["encoding"] = encoding
                break
            except UnicodeDecodeError:
                continue
    return {
        "schema_version": "1",
        "source": source,
        "status": "ok",
        "error": None,
        "title": None,
        "tables": [],
        "warnings": [],
        "standin_lines": lines,
    }


def main():
    if "--version" in sys.argv[1:]:
        print(VERSION)
        return 0
    parser = argparse.ArgumentParser(prog="standin.py")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract")
    extract.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    extract.add_argument("--format", choices=("json", "jsonl", "csv"))
    extract.add_argument("-o", "--output")
    extract.add_argument("--out-dir")
    extract.add_argument("paths", nargs="+")
    arguments = parser.parse_args()

    paths = walk(arguments.paths)
    if arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as out:
            write(paths, arguments, out)
    else:
        write(paths, arguments, sys.stdout)
    return 0


def write(paths, arguments, out):
    jobs = max(1, arguments.jobs)
    if jobs == 1:
        results = map(document, paths)
        pool = None
    else:
        pool = multiprocessing.Pool(jobs)
        results = pool.imap(document, paths, chunksize=16)
    for result in results:
        if arguments.out_dir:
            target = Path(arguments.out_dir) / (Path(result["source"]["path"]).stem + ".json")
            target.write_text(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    if pool is not None:
        pool.close()
        pool.join()


if __name__ == "__main__":
    sys.exit(main())
