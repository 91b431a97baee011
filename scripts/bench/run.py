"""The benchmark driver behind `make bench` (started by scripts/bench.sh, which builds the release
binary, prepares the virtual environment and then hands over to this file).

What it measures, in one run, on the same files:

1. throughput per format: `jixiao extract -j J --format jsonl -o OUT FOLDER` over a corpus of
   copies of `fixtures/<format>/`, for every J of JOBS_LIST, best of REPEAT runs, interleaved so
   that a change in the machine's load hits every J alike; files/s, MB/s, PDF pages/s, CPU time,
   max RSS, and the speed-up from the smallest to the largest J;
2. text read + normalise + JSON in MB/s per core, from the text runs;
3. peak memory over mixed corpora of MEM_SIZES files (1,000 and 10,000 by default): the batch
   engine streams, so the figure must not grow with the number of files;
4. .doc through LibreOffice, on a few files only (seconds each);
5. python-docx, openpyxl and pdfplumber reading the same docx/xlsx/pdf files (scripts/bench/
   compare.py in the virtual environment), unless NO_PYTHON=1.

Every run's output is read back: a figure is only shown with the number of documents written and
their statuses, and a run that did not write one document per input fails the benchmark.
Results go to bench-work/results/ (JSON and Markdown), a compact table to stdout, and, for a real
release build, into BENCHMARKS.md between the markers of this machine's section.

Configuration is by environment variable; scripts/bench.sh lists them all.
"""

import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import corpus
import measure
import report

ROOT = Path(__file__).resolve().parents[2]


def _env_int(name, default, minimum=0):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"bench: {name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise SystemExit(f"bench: {name} must be at least {minimum}, not {value}")
    return value


def _env_list(name, default):
    raw = os.environ.get(name, "").strip()
    return raw.split() if raw else list(default)


def _env_int_list(name, default, minimum=1):
    values = []
    for item in _env_list(name, [str(v) for v in default]):
        try:
            value = int(item)
        except ValueError:
            raise SystemExit(f"bench: {name} holds {item!r}, which is not a whole number") from None
        if value < minimum:
            raise SystemExit(f"bench: every value of {name} must be at least {minimum}")
        values.append(value)
    # Sorted and without repeats: the speed-up is always smallest J against largest J.
    return sorted(set(values))


def usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Config:
    """Everything a run is told through the environment, with the defaults of the issue."""

    # Names shown in the report when a run set them, so that the command can be repeated.
    KNOWN = (
        "QUICK",
        "JOBS_LIST",
        "FORMATS",
        "PER_FORMAT",
        "PDF_FILES",
        "MEM_SIZES",
        "MEM_FORMATS",
        "REPEAT",
        "DOC_FILES",
        "NO_PYTHON",
        "COMPARE_DOCX",
        "COMPARE_XLSX",
        "COMPARE_PDF",
        "RUN_TIMEOUT",
        "UPDATE_DOC",
        "BENCH_SECTION",
        "JIXIAO_BIN",
        "BENCH_WORK",
        "SKIP_BUILD",
        "JIXIAO_COMMIT",
    )

    def __init__(self):
        self.quick = os.environ.get("QUICK", "0") == "1"
        quick = self.quick
        cores = usable_cores()
        self.cores = cores
        self.jobs = _env_int_list("JOBS_LIST", [1, cores])
        self.formats = _env_list("FORMATS", ["text", "docx", "xlsx", "xls", "html", "pdf"])
        for fmt in self.formats:
            if fmt not in corpus.FORMATS or fmt == "doc":
                raise SystemExit(
                    f"bench: FORMATS may hold text docx xlsx xls html pdf, not {fmt!r} "
                    "(.doc is measured apart, see DOC_FILES)"
                )
        self.per_format = _env_int("PER_FORMAT", 60 if quick else 1000, 1)
        # PDFs of the corpus have 11 to 22 pages each: fewer files give as many pages to read.
        self.pdf_files = _env_int("PDF_FILES", 12 if quick else 150, 1)
        self.mem_sizes = _env_int_list("MEM_SIZES", [100, 500] if quick else [1000, 10000])
        self.mem_formats = _env_list("MEM_FORMATS", self.formats)
        self.repeat = _env_int("REPEAT", 1 if quick else 3, 1)
        self.doc_files = _env_int("DOC_FILES", 1 if quick else 3, 0)
        self.no_python = os.environ.get("NO_PYTHON", "0") == "1"
        self.compare = {
            "docx": _env_int("COMPARE_DOCX", 6 if quick else 60, 0),
            "xlsx": _env_int("COMPARE_XLSX", 3 if quick else 30, 0),
            "pdf": _env_int("COMPARE_PDF", 1 if quick else 6, 0),
        }
        self.timeout = _env_int("RUN_TIMEOUT", 1800, 1)
        self.section = os.environ.get("BENCH_SECTION", "").strip() or f"{cores}-core"
        self.update_doc = os.environ.get("UPDATE_DOC", "auto").strip() or "auto"
        self.work = Path(os.environ.get("BENCH_WORK", "bench-work")).resolve()
        self.binary = os.environ.get("JIXIAO_BIN", "").strip()
        if not self.binary:
            raise SystemExit(
                "bench: JIXIAO_BIN is not set: start the benchmark with scripts/bench.sh"
            )
        self.binary_built = os.environ.get("JIXIAO_BIN_BUILT", "0") == "1"
        self.venv_python = os.environ.get("VENV_PYTHON", "").strip()
        self.command = os.environ.get("BENCH_COMMAND", "scripts/bench.sh")
        # JIXIAO_BIN counts only when the user chose the binary: scripts/bench.sh sets it to the
        # binary it built, which repeating the command does not need.
        self._overrides = {
            name: os.environ[name]
            for name in self.KNOWN
            if os.environ.get(name, "").strip()
            and not (self.binary_built and name == "JIXIAO_BIN")
        }

    def overrides(self):
        """The settings a user gave, as they were when the run started."""
        return dict(self._overrides)


def _first_line(argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else None


def machine():
    """What the figures were measured on: cores, CPU model, memory, system, load."""
    cpu = None
    meminfo = {}
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            meminfo[key] = value.strip()
    except OSError:
        pass
    ram_kb = None
    if meminfo.get("MemTotal", "").endswith("kB"):
        ram_kb = int(meminfo["MemTotal"].split()[0])
    return {
        "cores": usable_cores(),
        "cpu_count": os.cpu_count(),
        "cpu": cpu or platform.processor() or "unknown",
        "ram_gib": round(ram_kb / 1024 / 1024, 1) if ram_kb else None,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def cpu_snapshot():
    """The machine's busy CPU time so far (all processes, from /proc/stat) and this process's
    own and its waited-for children's CPU time, both in seconds; `None` where /proc is missing.

    Two snapshots tell how much CPU other work on the machine took during the run: on a shared
    machine that is what lowers wall-clock rates and speed-ups, and the report says so.
    """
    try:
        lines = Path("/proc/stat").read_text().splitlines()
        fields = lines[0].split()
    except (OSError, IndexError):
        return None
    if not fields or fields[0] != "cpu":
        return None
    ticks = [int(v) for v in fields[1:9]]
    # user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
    busy = sum(ticks) - ticks[3] - ticks[4]
    hertz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    own = os.times()
    return {
        "busy": busy / hertz,
        # /proc/stat covers every CPU of the machine (in a container: of the host), which may
        # be more than this process may use.
        "cpus": sum(1 for line in lines if line.startswith("cpu") and line[3:4].isdigit()),
        "ours": own.user + own.system + own.children_user + own.children_system,
    }


def other_work(start, end, seconds):
    """The share of the machine's CPU time that other work took between two snapshots."""
    if not start or not end or seconds <= 0 or not end["cpus"]:
        return None
    others = (end["busy"] - start["busy"]) - (end["ours"] - start["ours"])
    return max(0.0, others) / (seconds * end["cpus"])


def git_commit():
    head = _first_line(["git", "-C", str(ROOT), "rev-parse", "HEAD"])
    if head is None:
        return {"commit": None, "dirty": None, "subject": None}
    status = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    # BENCHMARKS.md is rewritten by the benchmark itself; a change there says nothing about the
    # code that was measured.
    dirty = [line for line in status.splitlines() if not line.endswith("BENCHMARKS.md")]
    return {
        "commit": head,
        "dirty": bool(dirty),
        "subject": _first_line(["git", "-C", str(ROOT), "log", "-1", "--format=%s"]),
    }


def identify(config):
    version = _first_line([config.binary, "--version"])
    standin = (
        "standin" in Path(config.binary).name
        or "stand-in" in (version or "")
        or ("standin" in (version or ""))
    )
    return {
        "path": config.binary,
        "version": version,
        "standin": standin,
        "built_by_script": config.binary_built,
        # A binary built elsewhere (copied to a machine without cargo) cannot tell which commit
        # it was built from; whoever copies it can say so.
        "stated_commit": os.environ.get("JIXIAO_COMMIT", "").strip() or None,
    }


class Bench:
    def __init__(self, config):
        self.config = config
        self.method = measure.rss_method()
        self.out = config.work / "out"
        self.logs = config.work / "logs"
        self.out.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.invalid = []

    def log(self, message):
        print(message, file=sys.stderr, flush=True)

    def jixiao(self, folder, jobs, label):
        """One measured `jixiao extract` over `folder`; returns the measurement and the counts
        of the documents it wrote."""
        output = self.out / f"{label}.jsonl"
        if output.exists():
            output.unlink()
        argv = [
            self.config.binary,
            "extract",
            "-j",
            str(jobs),
            "--format",
            "jsonl",
            "-o",
            str(output),
            str(folder),
        ]
        # Exit status 1 means some inputs failed and the others were written: still a run.
        figures = measure.run(
            argv, self.logs / f"{label}.log", self.method, self.config.timeout, ok_codes=(0, 1)
        )
        figures["counts"] = measure.count_documents(output)
        output.unlink(missing_ok=True)
        return figures

    def check(self, label, figures, expected):
        docs = figures["counts"]["docs"]
        if docs != expected:
            self.invalid.append(f"{label}: {docs} documents written for {expected} inputs")
            self.log(f"bench: WARNING {self.invalid[-1]}")

    def preflight(self):
        """Stops early, with a message a user can act on, when the binary does not run
        `extract` as SPEC.md says (for instance a build from before the command line landed)."""
        sample = corpus.fixture_files(ROOT / "fixtures", "text")[0]
        output = self.out / "preflight.jsonl"
        output.unlink(missing_ok=True)
        argv = [
            self.config.binary,
            "extract",
            "-j",
            "1",
            "--format",
            "jsonl",
            "-o",
            str(output),
            str(sample),
        ]
        try:
            measure.run(argv, self.logs / "preflight.log", self.method, 120, ok_codes=(0, 1))
        except measure.RunFailed as error:
            raise SystemExit(
                f"bench: the binary cannot run the benchmark's command.\n{error}"
            ) from None
        except OSError as error:
            raise SystemExit(f"bench: cannot start {self.config.binary}: {error}") from None
        docs = measure.count_documents(output)["docs"]
        if docs != 1:
            raise SystemExit(
                f"bench: `{' '.join(argv)}` wrote {docs} documents instead of 1.\n"
                "The extract command is not finished in this build; once it has landed, run "
                "`make bench` again. To try the harness meanwhile: "
                "JIXIAO_BIN=scripts/bench/standin.py QUICK=1 scripts/bench.sh"
            )

    def build_corpus(self, name, formats, count):
        return corpus.build(
            self.config.work / "corpus" / name, ROOT / "fixtures", formats, count, log=self.log
        )

    def formats(self):
        """Throughput per format, every J of JOBS_LIST, best of REPEAT."""
        config = self.config
        results = []
        for fmt in config.formats:
            count = config.pdf_files if fmt == "pdf" else config.per_format
            manifest = self.build_corpus(f"{fmt}-{count}", [fmt], count)
            folder = config.work / "corpus" / f"{fmt}-{count}"
            corpus.warm_page_cache(folder)
            runs = {jobs: [] for jobs in config.jobs}
            for repetition in range(config.repeat):
                for jobs in config.jobs:
                    self.log(
                        f"bench: {fmt}: {_files(count)}, -j {jobs} "
                        f"(run {repetition + 1} of {config.repeat})"
                    )
                    figures = self.jixiao(folder, jobs, f"{fmt}-j{jobs}")
                    self.check(f"{fmt} -j {jobs}", figures, count)
                    runs[jobs].append(figures)
            results.append(
                {
                    "format": fmt,
                    "files": count,
                    "bytes": manifest["bytes"],
                    "pages": manifest["pdf_pages"] if fmt == "pdf" else None,
                    "runs": [best_of(jobs, runs[jobs]) for jobs in config.jobs],
                }
            )
        return results

    def memory(self):
        """Peak memory over mixed corpora of every size in MEM_SIZES, at the largest J."""
        config = self.config
        jobs = max(config.jobs)
        results = []
        for size in config.mem_sizes:
            manifest = self.build_corpus(f"mixed-{size}", config.mem_formats, size)
            folder = config.work / "corpus" / f"mixed-{size}"
            corpus.warm_page_cache(folder)
            self.log(f"bench: memory: {size} mixed files, -j {jobs}")
            figures = self.jixiao(folder, jobs, f"mixed-{size}-j{jobs}")
            self.check(f"{size} mixed files -j {jobs}", figures, size)
            results.append(
                {
                    "files": size,
                    "bytes": manifest["bytes"],
                    "pages": manifest["pdf_pages"],
                    "jobs": jobs,
                    **figures,
                }
            )
        return results

    def doc(self):
        """A few .doc files through LibreOffice, at -j 1."""
        count = self.config.doc_files
        if count == 0:
            return None
        converter = shutil.which("soffice") or shutil.which("libreoffice")
        manifest = self.build_corpus(f"doc-{count}", ["doc"], count)
        folder = self.config.work / "corpus" / f"doc-{count}"
        self.log(f"bench: .doc: {_files(count)} through LibreOffice, -j 1")
        figures = self.jixiao(folder, 1, "doc-j1")
        self.check(".doc -j 1", figures, count)
        return {"files": count, "bytes": manifest["bytes"], "converter": converter, **figures}

    def compare(self):
        """jixiao and a Python library on the same docx, xlsx and pdf files, in this run."""
        config = self.config
        if config.no_python:
            return []
        if not config.venv_python:
            raise SystemExit(
                "bench: VENV_PYTHON is not set: start the benchmark with scripts/bench.sh"
            )
        results = []
        for fmt in ("docx", "xlsx", "pdf"):
            count = config.compare[fmt]
            if count == 0 or fmt not in config.formats:
                continue
            manifest = self.build_corpus(f"compare-{fmt}-{count}", [fmt], count)
            folder = config.work / "corpus" / f"compare-{fmt}-{count}"
            corpus.warm_page_cache(folder)
            jixiao_runs = {}
            for jobs in sorted({min(config.jobs), max(config.jobs)}):
                tries = []
                for _ in range(config.repeat):
                    self.log(f"bench: compare {fmt}: jixiao -j {jobs} on {_files(count)}")
                    figures = self.jixiao(folder, jobs, f"compare-{fmt}-j{jobs}")
                    self.check(f"compare {fmt} -j {jobs}", figures, count)
                    tries.append(figures)
                jixiao_runs[jobs] = best_of(jobs, tries)
            self.log(f"bench: compare {fmt}: Python library on the same {_files(count)}")
            output = self.out / f"python-{fmt}.jsonl"
            log = self.logs / f"python-{fmt}.log"
            figures = measure.run(
                [
                    config.venv_python,
                    str(Path(__file__).with_name("compare.py")),
                    fmt,
                    str(output),
                    str(folder),
                ],
                log,
                self.method,
                config.timeout,
            )
            lines = log.read_text(errors="replace").strip().splitlines()
            try:
                python = json.loads(lines[-1])
            except (IndexError, ValueError):
                raise SystemExit(f"bench: compare.py printed no summary; see {log}") from None
            output.unlink(missing_ok=True)
            results.append(
                {
                    "format": fmt,
                    "files": count,
                    "bytes": manifest["bytes"],
                    "pages": manifest["pdf_pages"] if fmt == "pdf" else None,
                    "jixiao": [jixiao_runs[jobs] for jobs in sorted(jixiao_runs)],
                    "python": {
                        **python,
                        "wall": figures["wall"],
                        "cpu": figures["cpu"],
                        "maxrss_kb": figures["maxrss_kb"],
                    },
                }
            )
        return results


def _files(count):
    return f"{count} file" if count == 1 else f"{count} files"


def best_of(jobs, tries):
    """The try with the least wall time (the one least disturbed by other work on the machine),
    with the largest max RSS of all tries and every try's wall time kept."""
    best = dict(min(tries, key=lambda t: t["wall"]))
    rss = [t["maxrss_kb"] for t in tries if t["maxrss_kb"] is not None]
    best["maxrss_kb"] = max(rss) if rss else None
    best["walls"] = [t["wall"] for t in tries]
    best["jobs"] = jobs
    return best


def main():
    config = Config()
    bench = Bench(config)
    binary = identify(config)
    started = datetime.datetime.now(datetime.timezone.utc)
    cpu_start = cpu_snapshot()
    results = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": config.command,
        "overrides": config.overrides(),
        "machine": machine(),
        "load_start": list(os.getloadavg()),
        "git": git_commit(),
        "binary": binary,
        "rss_method": bench.method,
        "quick": config.quick,
        "section": config.section,
    }
    bench.log(
        f"bench: measuring {binary['version'] or config.binary} "
        f"on {results['machine']['cores']} cores; jobs {config.jobs}; "
        f"max RSS by {bench.method}"
    )
    if binary["standin"]:
        bench.log(
            "bench: NOTE the binary is the harness's stand-in, not jixiao: "
            "its figures say nothing about jixiao and are not written to BENCHMARKS.md"
        )
    bench.preflight()
    try:
        results["formats"] = bench.formats()
        results["memory"] = bench.memory()
        results["doc"] = bench.doc()
        results["compare"] = bench.compare()
    except measure.RunFailed as error:
        raise SystemExit(f"bench: {error}") from None
    results["load_end"] = list(os.getloadavg())
    results["seconds"] = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    results["other_work"] = other_work(cpu_start, cpu_snapshot(), results["seconds"])
    results["invalid"] = bench.invalid
    results["targets"] = report.targets(results)

    folder = config.work / "results"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (folder / f"{stamp}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    section = report.markdown(results)
    (folder / f"{stamp}.md").write_text(section, encoding="utf-8")
    print(report.summary(results))
    print(f"\nfull results: {folder / (stamp + '.json')} and {folder / (stamp + '.md')}")
    write_doc(config, binary, results, section, bench.log)
    if bench.invalid:
        bench.log(
            "bench: FAILED: some runs did not write one document per input:\n  "
            + "\n  ".join(bench.invalid)
        )
        return 1
    return 0


def write_doc(config, binary, results, section, log):
    """Puts the figures into BENCHMARKS.md when they are figures of the real binary reading
    the corpus.

    By default (UPDATE_DOC=auto) only a full run of the release build this script built, in
    which every input was written and none failed, replaces the section: a smoke run, a binary
    of unknown origin, or a build whose readers fail would put figures there that say nothing
    about jixiao. UPDATE_DOC=1 writes anyway (the report then marks what is not valid), except
    for the stand-in, whose figures are never jixiao's.
    """
    if binary["standin"]:
        log("bench: BENCHMARKS.md left as it is: the stand-in's figures are not jixiao's")
        return
    wanted = config.update_doc
    if wanted == "auto":
        reasons = []
        if not config.binary_built:
            reasons.append("the binary came from JIXIAO_BIN")
        if config.quick:
            reasons.append("QUICK=1 is a smoke run")
        if results["invalid"]:
            reasons.append("some runs did not write one document per input")
        if any(row["met"] is None and "not valid" in row["measured"] for row in results["targets"]):
            reasons.append("documents failed, so some figures are not valid")
        if reasons:
            log(
                f"bench: BENCHMARKS.md left as it is ({'; '.join(reasons)}); "
                "UPDATE_DOC=1 writes it all the same"
            )
            return
    elif wanted != "1":
        log("bench: BENCHMARKS.md left as it is (UPDATE_DOC=0)")
        return
    path = Path(os.environ.get("BENCH_DOC", "").strip() or ROOT / "BENCHMARKS.md")
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    path.write_text(report.replace_section(text, config.section, section), encoding="utf-8")
    log(f"bench: wrote the figures into BENCHMARKS.md, section {config.section!r}")


if __name__ == "__main__":
    sys.exit(main())
