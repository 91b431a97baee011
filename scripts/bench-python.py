"""`make bench-python`: the Python package and Spark against the command line, same files, same run.

Run by scripts/bench-python.sh with the work tree's Python environment (.venv) after it built
the release binary and a release wheel. Measures:

1. files/s of `jixiao.spark.read_indicators` on a local Spark session (`local[2]`), writing the
   rows as Parquet, against `jixiao extract -j 2` (JSON Lines and Parquet) on the same files,
   and the same with Spark reading every file's bytes (`open_local=False`, as on HDFS or an
   object store) and with Spark's own split of the files into tasks (`files_per_task=None`);
2. files/s of `jixiao.extract_many(jobs=2)` (every document turned into a dict) against the
   command line's JSON Lines at `-j 2`, and both again with one worker, where the Python
   thread that makes the dicts has a core of its own;
3. peak memory (max RSS) of `jixiao extract --format parquet` for 1,000 and 10,000 files.

Timed runs are interleaved (CLI, Python, Spark, CLI, ...) so that a change in the machine's load
hits each alike; the best of REPEAT runs counts. Prints a Markdown section and, with
UPDATE_DOC=1, writes it into BENCHMARKS.md between its markers.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "bench-work")) / "python"
BIN = Path(os.environ.get("JIXIAO_BIN", ROOT / "target" / "release" / "jixiao"))
FILES = int(os.environ.get("FILES", "3000"))
MEM_SIZES = [int(n) for n in os.environ.get("MEM_SIZES", "1000 10000").split()]
REPEAT = int(os.environ.get("REPEAT", "3"))
WARMUP = max(1, int(os.environ.get("WARMUP", "3")))
JOBS = int(os.environ.get("JOBS", "2"))
FORMATS = ["text", "docx", "doc", "rtf", "xlsx", "xls", "html", "pdf"]
BEGIN = "<!-- bench-python:begin -->"
END = "<!-- bench-python:end -->"


def say(message: str) -> None:
    print(f"bench-python: {message}", file=sys.stderr, flush=True)


def corpus(count: int) -> Path:
    """`count` copies of the fixture documents of every format (the top-level files of each
    format's folder), cycled, in folders of 500. Reused while complete."""
    folder = WORK / f"files-{count}"
    sources = sorted(
        p for f in FORMATS for p in (ROOT / "fixtures" / f).iterdir() if p.is_file()
    )
    stamp = folder / ".complete"
    if stamp.is_file() and stamp.read_text() == str(len(sources)):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    for index in range(count):
        source = sources[index % len(sources)]
        target = folder / f"d{index // 500:03}" / f"{index:06}_{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    stamp.write_text(str(len(sources)))
    return folder


GNU_TIME = "/usr/bin/time"
MAXRSS = "bench-python-maxrss:"


def timed(command: list[str]) -> tuple[float, int]:
    """Runs a command; returns wall seconds and its max RSS in KiB.

    The RSS comes from GNU time, which runs the command: the `ru_maxrss` that Python's own
    wait4 reports would count the pages of this (large, pyspark-loaded) interpreter, which the
    forked child holds until it execs."""
    wrapped = [GNU_TIME, "-f", f"{MAXRSS}%M", *command] if os.path.exists(GNU_TIME) else command
    started = time.perf_counter()
    process = subprocess.run(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.decode(errors="replace")
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}: {stderr}")
    rss = [line for line in stderr.splitlines() if line.startswith(MAXRSS)]
    if not rss:
        raise SystemExit(f"bench-python: {GNU_TIME} is needed for the memory figures")
    return elapsed, int(rss[-1][len(MAXRSS):])


def cli(folder: Path, fmt: str, out: Path, jobs: int = JOBS) -> tuple[float, int]:
    return timed([str(BIN), "extract", "-q", "-j", str(jobs), "--format", fmt, "-o", str(out), str(folder)])


def python_extract_many(folder: Path, jobs: int = JOBS) -> float:
    """extract_many in a fresh interpreter (as a user's script runs), every document a dict."""
    script = (
        "import sys, time, jixiao\n"
        "t = time.perf_counter()\n"
        "n = sum(1 for _ in jixiao.extract_many([sys.argv[1]], jobs=int(sys.argv[2])))\n"
        "print(n, time.perf_counter() - t)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder), str(jobs)],
        capture_output=True, text=True, check=True,
    )
    count, seconds = done.stdout.split()
    return float(seconds)


def spark_session():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(f"local[{JOBS}]")
        .appName("jixiao-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def spark_run(spark, folder: Path, out: Path, **options) -> tuple[float, int]:
    from jixiao.spark import read_indicators

    started = time.perf_counter()
    read_indicators(spark, str(folder), **options).write.mode("overwrite").parquet(str(out))
    elapsed = time.perf_counter() - started
    rows = spark.read.parquet(str(out)).count()
    return elapsed, rows


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}"


def main() -> None:
    import pyspark

    import jixiao

    files = corpus(FILES)
    count = sum(1 for p in files.rglob("*") if p.is_file() and not p.name.startswith("."))
    say(f"{count} files in {files}")
    out = WORK / "out"
    out.mkdir(parents=True, exist_ok=True)

    say("starting Spark (local[%d])" % JOBS)
    started = time.perf_counter()
    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    spark_start = time.perf_counter() - started
    # Warm-up, outside the timed runs, as a JVM benchmark warms up (JMH runs 5 iterations):
    # WARMUP whole passes over the same files start the Python workers, load the wheel and
    # let the JVM compile its hot paths. One pass is not enough: profiled with `perf`, the
    # JVM still spent about 40% of its CPU in its C2 compiler during the third pass, and its
    # CPU per pass fell from 12 to about 8 CPU-seconds by the fifth. A long job on an archive
    # runs in that steady state. Every warm-up pass's time is reported.
    say(f"Spark warm-up: {WARMUP} untimed passes")
    spark_warm = [spark_run(spark, files, out / "warm.parquet")[0] for _ in range(WARMUP)]

    runs: dict[str, list[float]] = {
        "cli_jsonl": [], "cli_parquet": [], "python": [], "spark": [], "spark_bytes": [],
        "spark_own": [],
        "cli_jsonl_1": [], "python_1": [],
    }
    spark_rows = 0
    for round_ in range(REPEAT):
        say(f"round {round_ + 1} of {REPEAT}")
        runs["cli_jsonl"].append(cli(files, "jsonl", out / "cli.jsonl")[0])
        runs["cli_parquet"].append(cli(files, "parquet", out / "cli.parquet")[0])
        runs["python"].append(python_extract_many(files))
        seconds, spark_rows = spark_run(spark, files, out / "spark.parquet")
        runs["spark"].append(seconds)
        # Spark reads the bytes and streams them to the tasks, as it must off the local disk.
        runs["spark_bytes"].append(spark_run(spark, files, out / "spark-bytes.parquet", open_local=False)[0])
        # Spark's own split (about 32 small files a task), for comparison.
        runs["spark_own"].append(spark_run(spark, files, out / "spark-own.parquet", files_per_task=None)[0])
        # One worker: the Python consumer has the second core to itself.
        runs["cli_jsonl_1"].append(cli(files, "jsonl", out / "cli-1.jsonl", jobs=1)[0])
        runs["python_1"].append(python_extract_many(files, jobs=1))
    spark.stop()

    import pyarrow.parquet as pq

    cli_rows = pq.ParquetFile(out / "cli.parquet").metadata.num_rows
    best = {name: min(times) for name, times in runs.items()}
    rate = {name: count / seconds for name, seconds in best.items()}

    memory = []
    for size in MEM_SIZES:
        folder = corpus(size)
        seconds, rss = cli(folder, "parquet", out / f"mem-{size}.parquet")
        rows = pq.ParquetFile(out / f"mem-{size}.parquet").metadata
        memory.append((size, rss, seconds, rows.num_rows, rows.num_row_groups))
        say(f"parquet, {size} files: {rss / 1024:.1f} MiB max RSS")

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    spark_vs_cli = rate["spark"] / max(rate["cli_jsonl"], rate["cli_parquet"])
    python_vs_cli = rate["python"] / rate["cli_jsonl"]

    def times(name: str) -> str:
        return ", ".join(f"{t:.2f}" for t in runs[name])

    lines = [
        BEGIN,
        f"### {os.cpu_count()}-core: measured {now}",
        "",
        f"Machine: {machine()}. Commit `{commit}`, jixiao {jixiao.__version__}, Python "
        f"{platform.python_version()}, pyspark {pyspark.__version__}. Command: `make bench-python` "
        f"(FILES={FILES}, REPEAT={REPEAT}, WARMUP={WARMUP}, JOBS={JOBS}). {count} files: copies of the fixtures of "
        f"{', '.join(FORMATS)}, cycled. Best of {REPEAT} interleaved runs; every run's seconds in brackets.",
        "",
        "| what | seconds | files/s | against the CLI | goal |",
        "|---|---|---|---|---|",
        f"| `jixiao extract -j {JOBS} --format jsonl` | {best['cli_jsonl']:.2f} ({times('cli_jsonl')}) | {rate['cli_jsonl']:.0f} | 1 | |",
        f"| `jixiao extract -j {JOBS} --format parquet` | {best['cli_parquet']:.2f} ({times('cli_parquet')}) | {rate['cli_parquet']:.0f} | {rate['cli_parquet'] / rate['cli_jsonl']:.2f}× jsonl | |",
        f"| `jixiao.extract_many(jobs={JOBS})`, every document a dict | {best['python']:.2f} ({times('python')}) | {rate['python']:.0f} | {python_vs_cli:.2f}× jsonl | ≥ 0.9× {'met' if python_vs_cli >= 0.9 else '**not met**'} |",
        f"| `read_indicators` on `local[{JOBS}]`, written as Parquet | {best['spark']:.2f} ({times('spark')}) | {rate['spark']:.0f} | {spark_vs_cli:.2f}× the faster CLI | ≥ 0.7× {'met' if spark_vs_cli >= 0.7 else '**not met**'} |",
        f"| the same with `open_local=False` (Spark reads the bytes, as from HDFS) | {best['spark_bytes']:.2f} ({times('spark_bytes')}) | {rate['spark_bytes']:.0f} | {rate['spark_bytes'] / max(rate['cli_jsonl'], rate['cli_parquet']):.2f}× the faster CLI | |",
        f"| the same with `files_per_task=None` (Spark's own split) | {best['spark_own']:.2f} ({times('spark_own')}) | {rate['spark_own']:.0f} | {rate['spark_own'] / max(rate['cli_jsonl'], rate['cli_parquet']):.2f}× the faster CLI | |",
        f"| `jixiao extract -j 1 --format jsonl` | {best['cli_jsonl_1']:.2f} ({times('cli_jsonl_1')}) | {rate['cli_jsonl_1']:.0f} | | |",
        f"| `jixiao.extract_many(jobs=1)`, every document a dict | {best['python_1']:.2f} ({times('python_1')}) | {rate['python_1']:.0f} | {rate['python_1'] / rate['cli_jsonl_1']:.2f}× `-j 1` | |",
        "",
        f"Spark's session start ({spark_start:.1f} s) and {WARMUP} warm-up passes over the same "
        f"files ({', '.join(f'{t:.1f}' for t in spark_warm)} s: they start the Python workers and "
        f"let the JVM compile its hot paths; the first, cold pass is "
        f"{count / spark_warm[0] / max(rate['cli_jsonl'], rate['cli_parquet']):.2f}× the faster CLI) "
        f"are outside the timed runs. Rows: Spark {spark_rows}, CLI Parquet {cli_rows}"
        f"{' (equal)' if spark_rows == cli_rows else ' (**differ**)'}.",
        "",
        f"Peak memory of `jixiao extract -j {JOBS} --format parquet -o FILE` (max RSS):",
        "",
        "| files | max RSS | seconds | rows | row groups |",
        "|---|---|---|---|---|",
    ]
    for size, rss, seconds, rows, groups in memory:
        lines.append(f"| {size:,} | {rss / 1024:.1f} MiB | {seconds:.1f} | {rows:,} | {groups} |")
    if len(memory) >= 2:
        ratio = memory[-1][1] / memory[0][1]
        lines += ["", f"{memory[-1][0] // memory[0][0]}× the files, {ratio:.2f}× the memory."]
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    results = WORK / "results.json"
    results.write_text(json.dumps({"runs": runs, "count": count, "memory": memory}, indent=2))
    if os.environ.get("UPDATE_DOC") == "1":
        doc = ROOT / "BENCHMARKS.md"
        text = doc.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        if not pattern.search(text):
            raise SystemExit(f"BENCHMARKS.md has no {BEGIN} … {END} markers")
        doc.write_text(pattern.sub(lambda _: section, text), encoding="utf-8")
        say("wrote the section into BENCHMARKS.md")


if __name__ == "__main__":
    main()
