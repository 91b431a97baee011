"""`make bench-review`: what the review page costs over extraction, on the same 1,000 files in
the same run (started by scripts/bench-review.sh, which builds the release binary).

It builds (or reuses) a mixed corpus of copies of the fixtures (text, docx, xlsx, xls, html and
pdf in turn, as `make bench`'s mixed corpora), then times, REPEAT times and interleaved so that
a change in the machine's load hits both alike:

    jixiao extract -j J --format jsonl -o OUT.jsonl -q CORPUS
    jixiao review  -j J -o OUT.html -q CORPUS

and reports the best wall time of each (five runs by default: on a shared machine one run says
little), their CPU times and the ratio review / extract, which
must stay at or under LIMIT (1.3: issue 16). Each run's output is checked: one document per input
in the JSON Lines, one section per input in the page. With UPDATE_DOC=1 the figures are written
into BENCHMARKS.md between the `review` markers.

Settings: FILES [1000], JOBS [every usable core], REPEAT [5], LIMIT [1.3], BENCH_WORK
[bench-work], UPDATE_DOC [0].
"""

import datetime
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("text", "docx", "xlsx", "xls", "html", "pdf")


def timed(command):
    """Wall and CPU seconds (user + system of the child) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(command)} exited with {done.returncode}: "
                         f"{done.stderr.decode(errors='replace')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    files = int(os.environ.get("FILES", "1000"))
    jobs = int(os.environ.get("JOBS", str(len(os.sched_getaffinity(0)))))
    repeat = int(os.environ.get("REPEAT", "5"))
    limit = float(os.environ.get("LIMIT", "1.3"))
    work = Path(os.environ.get("BENCH_WORK", "bench-work"))
    binary = os.environ.get("JIXIAO_BIN", str(ROOT / "target/release/jixiao"))
    folder = work / f"review-mixed-{files}"
    manifest = corpus.build(folder, ROOT / "fixtures", FORMATS, files)
    corpus.warm_page_cache(folder)
    out_json = work / "review-extract.jsonl"
    out_html = work / "review.html"
    extract = [binary, "extract", "-j", str(jobs), "--format", "jsonl", "-o", str(out_json), "-q",
               str(folder)]
    review = [binary, "review", "-j", str(jobs), "-o", str(out_html), "-q", str(folder)]
    runs = {"extract": [], "review": []}
    for _ in range(repeat):
        runs["extract"].append(timed(extract))
        runs["review"].append(timed(review))
    documents = sum(1 for _ in out_json.open(encoding="utf-8"))
    sections = out_html.read_text(encoding="utf-8").count('<section class="doc"')
    if documents != files or sections != files:
        raise SystemExit(f"bench: {files} inputs gave {documents} documents and {sections} sections")
    best = {name: min(values) for name, values in runs.items()}
    ratio = best["review"][0] / best["extract"][0]
    cpu_ratio = best["review"][1] / best["extract"][1]
    page_mb = out_html.stat().st_size / 1e6
    machine = f"{platform.machine()}, {len(os.sched_getaffinity(0))} usable cores, {platform.system()}"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    lines = [
        f"Measured {datetime.date.today().isoformat()} at commit {commit} on {machine}, "
        f"`-j {jobs}`, best of {repeat}, {files} files ({manifest['bytes'] / 1e6:.1f} MB: "
        f"{' '.join(FORMATS)} in turn):",
        "",
        "| command | wall s | CPU s | files/s |",
        "|---|---:|---:|---:|",
        f"| `jixiao extract -j {jobs} --format jsonl -o OUT DIR` | {best['extract'][0]:.2f} | "
        f"{best['extract'][1]:.2f} | {files / best['extract'][0]:.0f} |",
        f"| `jixiao review -j {jobs} -o review.html DIR` | {best['review'][0]:.2f} | "
        f"{best['review'][1]:.2f} | {files / best['review'][0]:.0f} |",
        "",
        f"review / extract: **{ratio:.2f}×** wall, {cpu_ratio:.2f}× CPU (limit {limit}×); "
        f"the page is {page_mb:.1f} MB.",
    ]
    text = "\n".join(lines)
    print(text)
    if os.environ.get("UPDATE_DOC") == "1":
        doc = ROOT / "BENCHMARKS.md"
        content = doc.read_text(encoding="utf-8")
        begin, end = "<!-- review:begin -->", "<!-- review:end -->"
        if begin not in content or end not in content:
            raise SystemExit(f"bench: {doc} has no {begin} … {end} markers")
        head, rest = content.split(begin, 1)
        _, tail = rest.split(end, 1)
        doc.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")
        print(f"bench: wrote the figures into {doc}")
    if ratio > limit:
        raise SystemExit(f"bench: review costs {ratio:.2f}× extract, over the limit of {limit}×")


if __name__ == "__main__":
    main()
