"""Runs one command and measures it: wall-clock time, CPU time and peak memory (max RSS).

Wall time comes from `time.perf_counter` around the child. CPU time and max RSS come from GNU
time (`/usr/bin/time -v`), as the benchmark's issue asks, when it is installed; otherwise from
`os.wait4`, which returns the same kernel accounting (`getrusage` of the child and its waited-for
descendants) that GNU time itself prints. The method used is recorded with every figure.

Also here: reading back the JSON Lines that `jixiao extract` wrote, to check that every input
produced one document and to count statuses, error codes, tables and indicators. A throughput
figure for a run that skipped inputs, or failed them all, would be meaningless; the report shows
these counts beside every figure.
"""

import contextlib
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

GNU_TIME = "/usr/bin/time"


def rss_method():
    """`"gnu-time"` when GNU time is usable here, else `"wait4"`."""
    if os.access(GNU_TIME, os.X_OK):
        try:
            probe = subprocess.run(
                [GNU_TIME, "-v", "true"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return "wait4"
        if "Maximum resident set size" in probe.stderr:
            return "gnu-time"
    return "wait4"


_SECONDS = {
    "user": re.compile(r"User time \(seconds\):\s*([0-9.]+)"),
    "sys": re.compile(r"System time \(seconds\):\s*([0-9.]+)"),
}
_MAXRSS = re.compile(r"Maximum resident set size \(kbytes\):\s*([0-9]+)")


def parse_gnu_time(text):
    """Parses the report of `/usr/bin/time -v` into `{user, sys, maxrss_kb}`; missing fields
    are `None` (a report cut short by a killed child must not stop the benchmark)."""
    result = {}
    for key, pattern in _SECONDS.items():
        found = pattern.search(text)
        result[key] = float(found.group(1)) if found else None
    found = _MAXRSS.search(text)
    result["maxrss_kb"] = int(found.group(1)) if found else None
    return result


class RunFailed(Exception):
    """A measured command exited with a status that means it did not do its work."""


def run(argv, log_path, method, timeout, ok_codes=(0,), env=None, cwd=None):
    """Runs `argv`, its stdout and stderr going to `log_path`, and returns
    `{wall, user, sys, cpu, maxrss_kb, exit}`.

    The child runs in its own process group so that a timeout can stop it and everything it
    started (LibreOffice for .doc files, for instance). An exit status outside `ok_codes`
    raises `RunFailed` with the log's last lines, which are what a user needs to see.
    """
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    time_report = log_path.with_suffix(".time")
    command = list(argv)
    if method == "gnu-time":
        command = [GNU_TIME, "-v", "-o", str(time_report), "--", *command]
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env, cwd=cwd
        )
        # The parent blocks in wait4 rather than polling, so that it takes no CPU from the
        # measured command; a timer stops the child's process group if it runs too long.
        timed_out = threading.Event()

        def stop():
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, rusage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    # Popen must not try to reap the child again.
    child.returncode = os.waitstatus_to_exitcode(status)
    exit_code = child.returncode
    if timed_out.is_set():
        raise RunFailed(
            f"{' '.join(argv)} ran longer than {timeout} s and was stopped "
            f"(raise RUN_TIMEOUT to allow more); its output is in {log_path}"
        )
    if method == "gnu-time":
        figures = parse_gnu_time(time_report.read_text(errors="replace"))
    else:
        figures = {
            "user": rusage.ru_utime,
            "sys": rusage.ru_stime,
            # Linux reports ru_maxrss in kilobytes.
            "maxrss_kb": rusage.ru_maxrss,
        }
    if exit_code not in ok_codes:
        tail = log_path.read_text(errors="replace").strip().splitlines()[-15:]
        raise RunFailed(
            f"{' '.join(argv)} exited with status {exit_code}; last lines of {log_path}:\n  "
            + "\n  ".join(tail or ["(no output)"])
        )
    cpu = None
    if figures["user"] is not None and figures["sys"] is not None:
        cpu = figures["user"] + figures["sys"]
    return {"wall": wall, "cpu": cpu, "exit": exit_code, **figures}


def count_documents(path):
    """Reads the documents `jixiao extract` wrote to `path` (JSON Lines, or one JSON document)
    and returns `{docs, status: {...}, errors: {...}, tables, indicators, unparsed}`.

    `unparsed` counts lines that are not JSON objects; they are reported, never fatal.
    """
    summary = {"docs": 0, "status": {}, "errors": {}, "tables": 0, "indicators": 0, "unparsed": 0}
    path = Path(path)
    if not path.is_file():
        return summary
    with open(path, "rb") as handle:
        head = handle.read(2)
    if head in (b"{\n", b"{\r"):
        # One pretty-printed document: the command line's form for a single input.
        try:
            _tally(summary, json.loads(path.read_bytes()))
        except ValueError:
            summary["unparsed"] += 1
        return summary
    # JSON Lines are read one line at a time, so that a 10,000-document output stays cheap.
    with open(path, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except ValueError:
                summary["unparsed"] += 1
                continue
            _tally(summary, document)
    return summary


def _tally(summary, document):
    if not isinstance(document, dict):
        summary["unparsed"] += 1
        return
    summary["docs"] += 1
    status = str(document.get("status"))
    summary["status"][status] = summary["status"].get(status, 0) + 1
    error = document.get("error")
    if isinstance(error, dict):
        code = str(error.get("code"))
        summary["errors"][code] = summary["errors"].get(code, 0) + 1
    tables = document.get("tables")
    if isinstance(tables, list):
        summary["tables"] += len(tables)
        for table in tables:
            if isinstance(table, dict) and isinstance(table.get("indicators"), list):
                summary["indicators"] += len(table["indicators"])
