"""Turns one benchmark run's results into words: the targets met or missed, a Markdown section
for BENCHMARKS.md, and a compact table for the terminal.

BENCHMARKS.md holds hand-written notes and, below them, one generated section per machine
(`2-core`, `16-core`, …) between `<!-- bench:begin NAME -->` and `<!-- bench:end NAME -->`.
`replace_section` rewrites only the section of the machine measured, so that a 16-core scaling
run does not erase the 2-core figures, and never touches the notes.

Standard library only.
"""

MIB = 1024.0

# Memory counts as flat when it grows by at most a quarter or by at most this many MiB. The
# sorted list of input paths, which a stable output order needs, grows with the number of files
# (about 1 MiB per 10,000 paths), and so does allocator slack; a batch engine that kept
# documents would grow by hundreds of MiB at 10,000 files, far past either bound.
FLAT_SLACK_MIB = 8

_RSS_METHODS = {
    "gnu-time": "GNU time (`/usr/bin/time -v`)",
    "wait4": "`os.wait4` (GNU time is not installed)",
}


# --- small formatting helpers -------------------------------------------------------------


def _walls(run):
    """Every try's wall time, in the order run, so that a reader sees the spread of the best."""
    walls = run.get("walls") or [run["wall"]]
    return " ".join(f"{wall:.2f}" for wall in walls)


def _num(value, digits=1):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _mib(kb):
    return "–" if kb is None else f"{kb / MIB:,.0f}"


def _rate(count, seconds):
    if count is None or not seconds:
        return None
    return count / seconds


def _docs(counts):
    """`1000 (ok 998, partial 2)`, with error codes when there are failures."""
    parts = [f"{name} {n}" for name, n in sorted(counts["status"].items())]
    text = f"{counts['docs']} ({', '.join(parts)})" if parts else str(counts["docs"])
    if counts["errors"]:
        text += "; errors: " + ", ".join(f"{c} {n}" for c, n in sorted(counts["errors"].items()))
    return text


def _run_at(runs, jobs):
    for run in runs:
        if run["jobs"] == jobs:
            return run
    return None


def speedup(runs):
    """Wall time at the smallest J over wall time at the largest J, or `None` for one J."""
    if len(runs) < 2:
        return None
    first = min(runs, key=lambda r: r["jobs"])
    last = max(runs, key=lambda r: r["jobs"])
    return first["wall"] / last["wall"] if last["wall"] else None


def text_per_core(results):
    """Text read + normalise + JSON in MB/s per core: from the -j 1 run's wall time when there
    is one, and always from CPU time at the largest J (bytes per CPU-second)."""
    for row in results.get("formats", []):
        if row["format"] != "text":
            continue
        megabytes = row["bytes"] / 1e6
        single = _run_at(row["runs"], 1)
        widest = max(row["runs"], key=lambda r: r["jobs"])
        return {
            "megabytes": megabytes,
            "files": row["files"],
            "wall_j1": _rate(megabytes, single["wall"]) if single else None,
            "cpu_jmax": _rate(megabytes, widest["cpu"]),
            "jmax": widest["jobs"],
        }
    return None


# --- targets ----------------------------------------------------------------------------------


def _failures(runs):
    """How many documents of `runs` failed, of how many, and with which error codes."""
    failed = total = 0
    codes = {}
    for run in runs:
        counts = run["counts"]
        total += counts["docs"]
        failed += counts["status"].get("failed", 0)
        for code, n in counts["errors"].items():
            codes[code] = codes.get(code, 0) + n
    return failed, total, codes


def _why_not(row):
    if row is None:
        return "not measured (format not in FORMATS)"
    return "not measured (JOBS_LIST has no 2)"


def targets(results):
    """The goals of the benchmark's issue, each with what this run measured and whether it was
    met (`None` where this run cannot tell, e.g. a 2-core goal on a run without -j 2).

    The corpus holds only good documents, so a failed document means a reader did not do its
    work: a rate that includes failures is the rate of giving up, not of reading. Such a goal is
    shown as not valid (`None`) with the failures named, never as met.
    """
    rows = []
    by_format = {row["format"]: row for row in results.get("formats", [])}

    def add(goal, measured, met, runs=()):
        failed, total, codes = _failures(runs)
        if failed:
            listed = ", ".join(f"{code} {n}" for code, n in sorted(codes.items()))
            measured += f"; not valid: {failed} of {total} documents failed ({listed})"
            met = None
        rows.append({"goal": goal, "measured": measured, "met": met})

    for fmt in ("docx", "xlsx"):
        row = by_format.get(fmt)
        run = _run_at(row["runs"], 2) if row else None
        value = _rate(row["files"], run["wall"]) if run else None
        add(
            f"{fmt}: ≥ 300 files/s at -j 2",
            f"{_num(value)} files/s" if value else _why_not(row),
            None if value is None else value >= 300,
            [run] if run else [],
        )
    row = by_format.get("pdf")
    run = _run_at(row["runs"], 2) if row else None
    value = _rate(row["pages"], run["wall"]) if run and row["pages"] else None
    add(
        "pdf: ≥ 400 pages/s at -j 2",
        f"{_num(value)} pages/s" if value else _why_not(row),
        None if value is None else value >= 400,
        [run] if run else [],
    )

    walls = {}
    every_run = [run for row in by_format.values() for run in row["runs"]]
    for run in every_run:
        walls[run["jobs"]] = walls.get(run["jobs"], 0.0) + run["wall"]
    if 1 in walls and 2 in walls and walls[2]:
        value = walls[1] / walls[2]
        lowest = min(speedup(r["runs"]) or 0 for r in by_format.values())
        add(
            "speed-up -j 1 → -j 2: ≥ 1.8×",
            f"{value:.2f}× over all formats (lowest format {lowest:.2f}×)",
            value >= 1.8,
            [run for run in every_run if run["jobs"] in (1, 2)],
        )
    else:
        add("speed-up -j 1 → -j 2: ≥ 1.8×", "not measured (JOBS_LIST lacks 1 or 2)", None)
    if walls and max(walls) > 2 and 1 in walls and walls[max(walls)]:
        jobs = max(walls)
        value = walls[1] / walls[jobs]
        add(
            f"scaling -j 1 → -j {jobs} (no goal set; shown for the record)",
            f"{value:.2f}× ({value / jobs:.0%} of linear)",
            None,
            [run for run in every_run if run["jobs"] in (1, jobs)],
        )

    memory = results.get("memory") or []
    if len(memory) >= 2 and memory[0]["maxrss_kb"] and memory[-1]["maxrss_kb"]:
        ratio = memory[-1]["maxrss_kb"] / memory[0]["maxrss_kb"]
        growth = memory[-1]["maxrss_kb"] - memory[0]["maxrss_kb"]
        add(
            f"memory flat from {memory[0]['files']:,} to "
            f"{memory[-1]['files']:,} files (≤ 1.25×, or ≤ {FLAT_SLACK_MIB} MiB more)",
            f"{_mib(memory[0]['maxrss_kb'])} → {_mib(memory[-1]['maxrss_kb'])} MiB ({ratio:.2f}×)",
            ratio <= 1.25 or growth <= FLAT_SLACK_MIB * MIB,
            [memory[0], memory[-1]],
        )
    else:
        add(
            "memory flat over the number of files (≤ 1.25×)",
            "not measured (MEM_SIZES needs two sizes)",
            None,
        )

    text = text_per_core(results)
    value = None
    text_runs = []
    if text:
        value = text["wall_j1"] if text["wall_j1"] is not None else text["cpu_jmax"]
        text_runs = by_format["text"]["runs"]
    add(
        "text read + normalise + JSON: ≥ 20 MB/s per core",
        f"{_num(value)} MB/s" if value else "not measured",
        None if value is None else value >= 20,
        text_runs,
    )
    return rows


def _met(flag):
    return {True: "yes", False: "**no**", None: "–"}[flag]


# --- Markdown ---------------------------------------------------------------------------------


def markdown(results):
    machine = results["machine"]
    git = results["git"]
    binary = results["binary"]
    load_start, load_end = results["load_start"][0], results["load_end"][0]
    lines = []
    add = lines.append

    add(f"### {results['section']}: measured {results['date']}")
    add("")
    if binary["standin"]:
        add(
            "> **Stand-in run.** These figures come from the harness's stand-in "
            "(scripts/bench/standin.py), not from jixiao; they only show that the harness works."
        )
        add("")
    overrides = " ".join(f"{k}={v}" for k, v in sorted(results["overrides"].items()))
    add(
        f"- command: `{(overrides + ' ') if overrides else ''}{results['command']}` "
        f"(total {results['seconds']:.0f} s{', QUICK smoke run' if results['quick'] else ''})"
    )
    add(
        f"- machine: {machine['cores']} cores usable ({machine['cpu_count']} online), "
        f"{machine['cpu']}, {machine['ram_gib']} GiB RAM, {machine['system']}"
    )
    commit = (git["commit"] or "unknown")[:12]
    dirty = " plus uncommitted changes" if git["dirty"] else ""
    version = binary["version"] or "no --version"
    if binary.get("built_by_script"):
        add(
            f"- jixiao: commit `{commit}`{dirty} ({git['subject'] or 'no subject'}), built by "
            f"the script: `{binary['path']}` (`{version}`)"
        )
    else:
        stated = binary.get("stated_commit")
        origin = f"commit `{stated}` as JIXIAO_COMMIT states" if stated else "commit not known"
        add(
            f"- jixiao: binary `{binary['path']}` (`{version}`) given by JIXIAO_BIN, {origin}; "
            f"harness at commit `{commit}`{dirty}"
        )
    other = results.get("other_work")
    busy = ""
    if other is not None:
        busy = f" Other work on the machine took {other:.0%} of its CPU time during the run."
        if other > 0.10:
            busy += (
                " Wall-clock rates are therefore lower, and speed-ups smaller, than on an idle "
                "machine; files per CPU-second are the steadier figure."
            )
    add(f"- load average {load_start:.1f} at the start, {load_end:.1f} at the end.{busy}")
    add(
        f"- wall time is the best of the repeated runs (each run: a whole `jixiao` process, "
        f"start-up, folder walk and output included; inputs in the page cache); max RSS by "
        f"{_RSS_METHODS.get(results['rss_method'], results['rss_method'])}."
    )
    add("")

    add("#### Targets")
    add("")
    add("| goal | measured | met |")
    add("|---|---|---|")
    for row in results["targets"]:
        add(f"| {row['goal']} | {row['measured']} | {_met(row['met'])} |")
    add("")

    runs = [run for row in results.get("formats", []) for run in row["runs"]]
    failed, total, codes = _failures(runs + list(results.get("memory") or []))
    if failed:
        listed = ", ".join(f"{code} {n}" for code, n in sorted(codes.items()))
        add(
            f"**{failed} of {total} documents failed** ({listed}). The corpus holds only good "
            "documents, so the rows with failures measure giving up, not reading; goals that "
            "rest on them are marked not valid."
        )
        add("")

    add("#### Throughput per format")
    add("")
    add("`jixiao extract -j J --format jsonl -o OUT FOLDER` over copies of `fixtures/<format>/`.")
    add("")
    add(
        "| format | files | MB | pages | J | wall s | every run, wall s | files/s | MB/s | "
        "pages/s | CPU s | files per CPU-s | speed-up | max RSS MiB | documents written |"
    )
    add("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for row in results.get("formats", []):
        first_wall = min(row["runs"], key=lambda r: r["jobs"])["wall"]
        for run in row["runs"]:
            pages = _rate(row["pages"], run["wall"]) if row["pages"] else None
            add(
                f"| {row['format']} | {row['files']:,} | {row['bytes'] / 1e6:,.1f} | "
                f"{row['pages'] or '–'} | {run['jobs']} | {run['wall']:.2f} | "
                f"{_walls(run)} | {_num(_rate(row['files'], run['wall']))} | "
                f"{_num(_rate(row['bytes'] / 1e6, run['wall']))} | {_num(pages)} | "
                f"{_num(run['cpu'], 2)} | {_num(_rate(row['files'], run['cpu']))} | "
                f"{first_wall / run['wall']:.2f}× | {_mib(run['maxrss_kb'])} | "
                f"{_docs(run['counts'])} |"
            )
    add("")

    text = text_per_core(results)
    if text:
        add("#### Text: read + normalise + JSON")
        add("")
        add(
            f"{text['files']:,} copies of the seed texts ({text['megabytes']:.1f} MB): "
            f"{_num(text['wall_j1'])} MB/s on one core (-j 1 wall time); "
            f"{_num(text['cpu_jmax'])} MB per CPU-second at -j {text['jmax']}. Goal ≥ 20 MB/s "
            "per core."
        )
        add("")

    memory = results.get("memory") or []
    if memory:
        add(f"#### Peak memory against the number of files (mixed formats, -j {memory[0]['jobs']})")
        add("")
        add("| files | MB | PDF pages | wall s | files/s | max RSS MiB | documents written |")
        add("|--:|--:|--:|--:|--:|--:|---|")
        for row in memory:
            add(
                f"| {row['files']:,} | {row['bytes'] / 1e6:,.1f} | {row['pages'] or '–'} | "
                f"{row['wall']:.2f} | {_num(_rate(row['files'], row['wall']))} | "
                f"{_mib(row['maxrss_kb'])} | {_docs(row['counts'])} |"
            )
        add("")

    doc = results.get("doc")
    if doc:
        add("#### .doc through LibreOffice (-j 1)")
        add("")
        if not doc["converter"] or doc["counts"]["errors"].get("converter_missing"):
            add(f"Not measured: LibreOffice is not installed ({_docs(doc['counts'])}).")
        else:
            files = f"{doc['files']} file{'' if doc['files'] == 1 else 's'}"
            add(
                f"{files} in {doc['wall']:.1f} s: {doc['wall'] / doc['files']:.2f} s "
                f"per file, max RSS {_mib(doc['maxrss_kb'])} MiB (jixiao's own process; "
                f"LibreOffice runs as a child). Documents: {_docs(doc['counts'])}."
            )
        add("")

    compare = results.get("compare") or []
    add("#### The same files read by Python libraries, in the same run")
    add("")
    if not compare:
        add("Not measured in this run (NO_PYTHON=1, or no docx/xlsx/pdf in FORMATS).")
        add("")
    else:
        add(
            "Python: one process, files one after another, reading every table's cell text "
            "(python-docx `table.rows`/`row.cells`; openpyxl every sheet's values and "
            "`merged_cells`; pdfplumber `extract_tables()` on every page) and writing one JSON "
            "line per file. Its rate is taken from the time of that loop alone (library import "
            "and interpreter start-up left out, which favours Python); jixiao's from its whole "
            "process. × is jixiao's rate over Python's. Tables found counts openpyxl's sheets "
            "and jixiao's performance target tables, so it shows that both read the files, not "
            "that they agree."
        )
        add("")
        add(
            "| format | files | pages | library | Python rate | Python max RSS MiB | "
            "jixiao rate | × | jixiao max RSS MiB | tables found: Python / jixiao |"
        )
        add("|---|--:|--:|---|--:|--:|--:|--:|--:|---|")
        for row in compare:
            python = row["python"]
            unit = "pages/s" if row["format"] == "pdf" else "files/s"
            count = (row["pages"] or python["pages"]) if row["format"] == "pdf" else row["files"]
            python_rate = _rate(count, python["loop_seconds"])
            rates = []
            for run in row["jixiao"]:
                rate = _rate(count, run["wall"])
                ratio = f"{rate / python_rate:,.1f}×" if rate and python_rate else "–"
                rates.append((run, rate, ratio))
            for index, (run, rate, ratio) in enumerate(rates):
                library = f"{python['library']} {python['version']}"
                python_cells = (
                    f"{library} | {_num(python_rate)} {unit} | {_mib(python['maxrss_kb'])}"
                )
                if index:
                    python_cells = "〃 | 〃 | 〃"
                add(
                    f"| {row['format']} | {row['files']:,} | {row['pages'] or '–'} | "
                    f"{python_cells} | {_num(rate)} {unit} at -j {run['jobs']} | {ratio} | "
                    f"{_mib(run['maxrss_kb'])} | {python['tables']} / {run['counts']['tables']} |"
                )
        add("")
        failed = [
            f"{r['python']['library']}: {r['python']['failed']}"
            for r in compare
            if r["python"].get("failed")
        ]
        if failed:
            add(f"Files the Python library could not read: {', '.join(failed)}.")
            add("")
    if results.get("invalid"):
        add("**Runs that did not write one document per input** (their figures are not valid):")
        add("")
        for line in results["invalid"]:
            add(f"- {line}")
        add("")
    return "\n".join(lines).rstrip() + "\n"


# --- terminal summary ---------------------------------------------------------------------------


def summary(results):
    lines = []
    add = lines.append
    if results["binary"]["standin"]:
        add("*** STAND-IN RUN: these figures are the stand-in's, not jixiao's ***")
    add(
        f"{'format':<7}{'files':>7}{'J':>4}{'wall s':>9}{'files/s':>10}{'MB/s':>8}"
        f"{'pages/s':>9}{'speed-up':>10}{'RSS MiB':>9}  documents"
    )
    for row in results.get("formats", []):
        first_wall = min(row["runs"], key=lambda r: r["jobs"])["wall"]
        for run in row["runs"]:
            pages = _rate(row["pages"], run["wall"]) if row["pages"] else None
            add(
                f"{row['format']:<7}{row['files']:>7}{run['jobs']:>4}{run['wall']:>9.2f}"
                f"{_num(_rate(row['files'], run['wall'])):>10}"
                f"{_num(_rate(row['bytes'] / 1e6, run['wall'])):>8}{_num(pages):>9}"
                f"{first_wall / run['wall']:>9.2f}×{_mib(run['maxrss_kb']):>9}  "
                f"{_docs(run['counts'])}"
            )
    for row in results.get("memory") or []:
        add(
            f"memory: {row['files']:>6} mixed files at -j {row['jobs']}: "
            f"{_mib(row['maxrss_kb'])} MiB max RSS, "
            f"{_num(_rate(row['files'], row['wall']))} files/s"
        )
    doc = results.get("doc")
    if doc:
        add(
            f"doc:    {doc['files']} file{'' if doc['files'] == 1 else 's'}, "
            f"{doc['wall'] / doc['files']:.2f} s per file "
            f"({_docs(doc['counts'])})"
        )
    for row in results.get("compare") or []:
        python = row["python"]
        count = (row["pages"] or python["pages"]) if row["format"] == "pdf" else row["files"]
        unit = "pages/s" if row["format"] == "pdf" else "files/s"
        python_rate = _rate(count, python["loop_seconds"])
        parts = []
        for run in row["jixiao"]:
            rate = _rate(count, run["wall"])
            ratio = f" ({rate / python_rate:.1f}×)" if rate and python_rate else ""
            parts.append(f"jixiao -j {run['jobs']} {_num(rate)}{ratio}")
        add(
            f"compare {row['format']}: {python['library']} {_num(python_rate)} {unit}; "
            + "; ".join(parts)
        )
    add("targets:")
    for row in results["targets"]:
        flag = {True: "met   ", False: "MISSED", None: "n/a   "}[row["met"]]
        add(f"  {flag} {row['goal']}: {row['measured']}")
    return "\n".join(lines)


# --- BENCHMARKS.md --------------------------------------------------------------------------


def _markers(name):
    return f"<!-- bench:begin {name} -->", f"<!-- bench:end {name} -->"


def replace_section(document, name, body):
    """Returns `document` with the generated section `name` replaced by `body` (or appended at
    the end when the document has no such section yet). Text outside the markers is kept as it
    is, byte for byte."""
    begin, end = _markers(name)
    block = f"{begin}\n{body.rstrip()}\n{end}"
    start = document.find(begin)
    stop = document.find(end, start + len(begin)) if start >= 0 else -1
    if start >= 0 and stop >= 0:
        return document[:start] + block + document[stop + len(end) :]
    separator = "" if document.endswith("\n\n") else ("\n" if document.endswith("\n") else "\n\n")
    return document + separator + block + "\n"
