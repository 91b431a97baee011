"""Tests of the benchmark harness (standard library only):

    python3 -m unittest discover -s scripts/bench -p 'test_*.py'

They check what the figures rest on: corpora hold the files and the mix they claim, PDF pages
are counted right, CPU time and max RSS are read from the child, the documents a run wrote are
counted, the generated section replaces only itself in BENCHMARKS.md, and a whole run of the
driver works end to end (with the stand-in, which is what can run without jixiao) and refuses
a binary whose `extract` writes nothing.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

import corpus
import measure
import pdfpages
import report
import run

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = ROOT / "fixtures"


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class CorpusTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dest = Path(self.tmp.name) / "mixed"

    def tearDown(self):
        self.tmp.cleanup()

    def build(self, count, formats=("text", "docx", "pdf")):
        return corpus.build(self.dest, FIXTURES, formats, count, per_dir=5, log=lambda _: None)

    def test_counts_mix_folders_and_names(self):
        manifest = self.build(14)
        files = corpus.files_in(self.dest)
        self.assertEqual(len(files), 14)
        self.assertEqual(manifest["files_by_format"], {"text": 5, "docx": 5, "pdf": 4})
        self.assertEqual(sorted({f.parent.name for f in files}), ["d000", "d001", "d002"])
        self.assertEqual(len({f.name for f in files}), 14)
        names = " ".join(f.name for f in files)
        self.assertIn("项目00001_绩效目标表.docx", names)
        self.assertIn("dept 00002 (000_5951d4f30969a9c2).pdf", names)
        self.assertIn("001_7ba444aee7ec495e-副本00003.txt", names)
        self.assertEqual(sorted(f.suffix for f in files).count(".pdf"), 4)

    def test_every_file_is_a_copy_of_a_fixture_of_its_format(self):
        self.build(14)
        sources = {}
        for fmt in ("text", "docx", "pdf"):
            for source in corpus.fixture_files(FIXTURES, fmt):
                sources[sha(source)] = source.suffix
        for path in corpus.files_in(self.dest):
            self.assertEqual(sources.get(sha(path)), path.suffix, path)
            self.assertFalse(path.is_symlink())
            self.assertEqual(path.stat().st_nlink, 1, "a copy, not a hard link")

    def test_bytes_and_pdf_pages_add_up(self):
        manifest = self.build(14)
        files = corpus.files_in(self.dest)
        self.assertEqual(manifest["bytes"], sum(f.stat().st_size for f in files))
        # pdf files 2, 5, 8, 11 of the plan are fixtures 000, 001, 003, 000: 11 + 22 + 15 + 11.
        self.assertEqual(manifest["pdf_pages"], 59)

    def test_manifest_lives_outside_and_a_matching_corpus_is_reused(self):
        self.build(14)
        self.assertFalse((self.dest / "manifest.json").exists())
        self.assertTrue(corpus.manifest_path_of(self.dest).is_file())
        first = corpus.files_in(self.dest)[0]
        stamp = first.stat().st_mtime_ns
        os.utime(first, ns=(stamp - 10**9, stamp - 10**9))
        self.build(14)
        self.assertEqual(first.stat().st_mtime_ns, stamp - 10**9, "reused, not copied again")
        self.build(15)
        self.assertEqual(len(corpus.files_in(self.dest)), 15)

    def test_interrupted_corpus_is_rebuilt(self):
        self.build(6)
        corpus.manifest_path_of(self.dest).unlink()
        (self.dest / "d000" / "stray.txt").write_text("left by an interrupted run")
        self.build(6)
        self.assertEqual(len(corpus.files_in(self.dest)), 6)

    def test_unknown_format_is_refused(self):
        with self.assertRaises(SystemExit) as caught:
            self.build(3, formats=("odt",))
        self.assertIn("unknown format 'odt'", str(caught.exception))


class PdfPagesTest(unittest.TestCase):
    def test_scan_counts_the_corpus_pdfs(self):
        expected = {
            "000_5951d4f30969a9c2.pdf": 11,
            "001_7ba444aee7ec495e.pdf": 22,
            "003_f17e630e396b42a6.pdf": 15,
        }
        for name, pages in expected.items():
            data = (FIXTURES / "pdf" / name).read_bytes()
            self.assertEqual(pdfpages.count_by_scan(data), pages, name)

    def test_scan_skips_page_tree_nodes(self):
        data = (
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] >> "
            b"<< /Type /Page >> << /Type/Page/Parent 1 0 R >>"
        )
        self.assertEqual(pdfpages.count_by_scan(data), 2)
        self.assertIsNone(pdfpages.count_by_scan(b"%PDF-1.7 << /Type /ObjStm >>"))

    def test_count_pages_agrees_with_either_method(self):
        pages, method = pdfpages.count_pages(FIXTURES / "pdf" / "001_7ba444aee7ec495e.pdf")
        self.assertEqual(pages, 22)
        self.assertIn(method, ("pypdf", "scan"))


class MeasureTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.log = Path(self.tmp.name) / "run.log"

    def tearDown(self):
        self.tmp.cleanup()

    def test_parse_gnu_time(self):
        text = textwrap.dedent("""\
            Command exited with non-zero status 1
            \tCommand being timed: "jixiao extract -j 2 folder"
            \tUser time (seconds): 3.21
            \tSystem time (seconds): 0.40
            \tMaximum resident set size (kbytes): 48212
        """)
        self.assertEqual(
            measure.parse_gnu_time(text), {"user": 3.21, "sys": 0.40, "maxrss_kb": 48212}
        )
        self.assertEqual(
            measure.parse_gnu_time("killed"), {"user": None, "sys": None, "maxrss_kb": None}
        )

    def test_max_rss_and_cpu_come_from_the_child(self):
        # The child holds 64 MiB and burns some CPU; the parent (this test) holds neither.
        program = "b = bytearray(64 << 20); s = sum(range(3_000_000)); print('done')"
        methods = ["wait4"] + (["gnu-time"] if measure.rss_method() == "gnu-time" else [])
        for method in methods:
            figures = measure.run([sys.executable, "-c", program], self.log, method, 60)
            self.assertGreater(figures["maxrss_kb"], 64 * 1024, method)
            self.assertLess(figures["maxrss_kb"], 512 * 1024, method)
            self.assertGreater(figures["cpu"], 0.0, method)
            self.assertGreaterEqual(figures["wall"], 0.0, method)
            self.assertEqual(self.log.read_text().strip(), "done")

    def test_bad_exit_status_names_the_command_and_shows_its_output(self):
        program = "import sys; print('no such option: --frobnicate'); sys.exit(2)"
        with self.assertRaises(measure.RunFailed) as caught:
            measure.run([sys.executable, "-c", program], self.log, "wait4", 60, ok_codes=(0, 1))
        self.assertIn("exited with status 2", str(caught.exception))
        self.assertIn("no such option: --frobnicate", str(caught.exception))
        figures = measure.run(
            [sys.executable, "-c", "import sys; sys.exit(1)"],
            self.log,
            "wait4",
            60,
            ok_codes=(0, 1),
        )
        self.assertEqual(figures["exit"], 1)

    def test_timeout_stops_the_child_and_its_children(self):
        program = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"
        with self.assertRaises(measure.RunFailed) as caught:
            measure.run([sys.executable, "-c", program], self.log, "wait4", 1)
        self.assertIn("ran longer than 1 s", str(caught.exception))

    def test_count_documents_in_json_lines(self):
        path = Path(self.tmp.name) / "out.jsonl"
        documents = [
            {
                "status": "ok",
                "error": None,
                "tables": [{"indicators": [{}, {}]}, {"indicators": []}],
            },
            {"status": "partial", "error": None, "tables": [{"indicators": [{}]}]},
            {"status": "failed", "error": {"code": "encrypted", "message": "…"}, "tables": []},
        ]
        lines = [json.dumps(d, ensure_ascii=False) for d in documents]
        path.write_text("\n".join([lines[0], "", lines[1], "{not json", lines[2]]) + "\n")
        counts = measure.count_documents(path)
        self.assertEqual(counts["docs"], 3)
        self.assertEqual(counts["status"], {"ok": 1, "partial": 1, "failed": 1})
        self.assertEqual(counts["errors"], {"encrypted": 1})
        self.assertEqual((counts["tables"], counts["indicators"], counts["unparsed"]), (3, 3, 1))

    def test_count_one_pretty_document_and_a_missing_file(self):
        path = Path(self.tmp.name) / "one.json"
        path.write_text(json.dumps({"status": "ok", "tables": [{"indicators": [{}]}]}, indent=2))
        counts = measure.count_documents(path)
        self.assertEqual((counts["docs"], counts["indicators"]), (1, 1))
        self.assertEqual(measure.count_documents(Path(self.tmp.name) / "absent")["docs"], 0)


def _run(jobs, wall, cpu, rss=20000, docs=10):
    return {
        "jobs": jobs,
        "wall": wall,
        "cpu": cpu,
        "maxrss_kb": rss,
        "counts": {
            "docs": docs,
            "status": {"ok": docs},
            "errors": {},
            "tables": docs,
            "indicators": 5 * docs,
            "unparsed": 0,
        },
    }


def _results():
    return {
        "section": "2-core",
        "date": "2026-11-23 07:00 UTC",
        "command": "make bench",
        "overrides": {},
        "seconds": 100.0,
        "quick": False,
        "machine": {
            "cores": 2,
            "cpu_count": 2,
            "cpu": "AMD EPYC",
            "ram_gib": 23.5,
            "system": "Linux",
        },
        "git": {"commit": "0123456789abcdef", "dirty": False, "subject": "Batch engine"},
        "binary": {
            "path": "target/release/jixiao",
            "version": "jixiao 0.1.0",
            "standin": False,
            "built_by_script": True,
        },
        "load_start": [0.1, 0, 0],
        "load_end": [1.9, 0, 0],
        "rss_method": "gnu-time",
        "formats": [
            {
                "format": "text",
                "files": 1000,
                "bytes": 40_000_000,
                "pages": None,
                "runs": [_run(1, 1.6, 1.5, docs=1000), _run(2, 0.85, 1.6, docs=1000)],
            },
            {
                "format": "docx",
                "files": 1000,
                "bytes": 28_000_000,
                "pages": None,
                "runs": [
                    _run(1, 5.0, 4.9, docs=1000),
                    dict(_run(2, 2.5, 5.0, docs=1000), walls=[2.91, 2.5, 2.62]),
                ],
            },
            {
                "format": "pdf",
                "files": 150,
                "bytes": 38_000_000,
                "pages": 2400,
                "runs": [_run(1, 10.0, 9.9, docs=150), _run(2, 5.0, 9.9, docs=150)],
            },
        ],
        "memory": [
            dict(_run(2, 4.0, 8.0, rss=30000, docs=1000), files=1000, bytes=1, pages=1),
            dict(_run(2, 40.0, 80.0, rss=33000, docs=10000), files=10000, bytes=1, pages=1),
        ],
        "doc": None,
        "compare": [],
        "invalid": [],
    }


class ReportTest(unittest.TestCase):
    def test_targets(self):
        rows = {row["goal"]: row for row in report.targets(_results())}
        self.assertEqual(rows["docx: ≥ 300 files/s at -j 2"]["measured"], "400 files/s")
        self.assertTrue(rows["docx: ≥ 300 files/s at -j 2"]["met"])
        self.assertIsNone(rows["xlsx: ≥ 300 files/s at -j 2"]["met"])
        self.assertEqual(
            rows["xlsx: ≥ 300 files/s at -j 2"]["measured"], "not measured (format not in FORMATS)"
        )
        self.assertEqual(rows["pdf: ≥ 400 pages/s at -j 2"]["measured"], "480 pages/s")
        speed = rows["speed-up -j 1 → -j 2: ≥ 1.8×"]
        self.assertIn("1.99× over all formats (lowest format 1.88×)", speed["measured"])
        self.assertTrue(speed["met"])
        memory = rows["memory flat from 1,000 to 10,000 files (≤ 1.25×, or ≤ 8 MiB more)"]
        self.assertEqual(memory["measured"], "29 → 32 MiB (1.10×)")
        self.assertTrue(memory["met"])
        grown = _results()
        grown["memory"][1]["maxrss_kb"] = 30000 + 9 * 1024
        rows = {row["goal"]: row for row in report.targets(grown)}
        memory = rows["memory flat from 1,000 to 10,000 files (≤ 1.25×, or ≤ 8 MiB more)"]
        self.assertEqual((memory["measured"], memory["met"]), ("29 → 38 MiB (1.31×)", False))
        text = rows["text read + normalise + JSON: ≥ 20 MB/s per core"]
        self.assertEqual((text["measured"], text["met"]), ("25.0 MB/s", True))

    def test_rates_of_failed_documents_are_not_valid(self):
        results = _results()
        counts = results["formats"][1]["runs"][1]["counts"]
        counts["status"] = {"ok": 400, "failed": 600}
        counts["errors"] = {"unsupported_format": 600}
        rows = {row["goal"]: row for row in report.targets(results)}
        docx = rows["docx: ≥ 300 files/s at -j 2"]
        self.assertIsNone(docx["met"])
        self.assertEqual(
            docx["measured"],
            "400 files/s; not valid: 600 of 1000 documents failed (unsupported_format 600)",
        )
        self.assertIsNone(rows["speed-up -j 1 → -j 2: ≥ 1.8×"]["met"])
        self.assertTrue(rows["pdf: ≥ 400 pages/s at -j 2"]["met"])
        results["targets"] = report.targets(results)
        self.assertIn(
            "**600 of 15300 documents failed** (unsupported_format 600)", report.markdown(results)
        )

    def test_markdown_names_command_machine_and_commit(self):
        results = _results()
        results["targets"] = report.targets(results)
        text = report.markdown(results)
        self.assertIn("### 2-core: measured 2026-11-23 07:00 UTC", text)
        self.assertIn("`make bench`", text)
        self.assertIn("2 cores usable (2 online), AMD EPYC, 23.5 GiB RAM", text)
        self.assertIn("commit `0123456789ab` (Batch engine), built by the script", text)
        copied = dict(
            results,
            binary=dict(results["binary"], built_by_script=False, stated_commit="fedcba987654"),
        )
        self.assertIn(
            "given by JIXIAO_BIN, commit `fedcba987654` as JIXIAO_COMMIT states",
            report.markdown(copied),
        )
        self.assertIn(
            "| docx | 1,000 | 28.0 | – | 2 | 2.50 | 2.91 2.50 2.62 | 400 | 11.2 | – | 5.00 | "
            "200 | 2.00× | 20 | 1000 (ok 1000) |",
            text,
        )
        self.assertIn("Not measured in this run (NO_PYTHON=1", text)
        self.assertNotIn("Stand-in run", text)
        self.assertIn("*** STAND-IN", report.summary(dict(results, binary={"standin": True})))

    def test_replace_section_keeps_the_notes(self):
        notes = "# Benchmarks\n\nHand-written notes.\n"
        once = report.replace_section(notes, "2-core", "figures A\n")
        self.assertTrue(once.startswith(notes))
        self.assertIn("<!-- bench:begin 2-core -->\nfigures A\n<!-- bench:end 2-core -->", once)
        both = report.replace_section(once + "\nTrailing note.\n", "16-core", "figures B")
        twice = report.replace_section(both, "2-core", "figures C")
        self.assertNotIn("figures A", twice)
        self.assertIn("figures B", twice)
        self.assertIn("figures C", twice)
        self.assertIn("\nTrailing note.\n", twice)
        self.assertTrue(twice.startswith(notes))
        self.assertEqual(report.replace_section(twice, "2-core", "figures C"), twice)


class MachineTest(unittest.TestCase):
    def test_other_work_is_busy_time_not_spent_by_the_benchmark(self):
        start = {"busy": 100.0, "ours": 10.0, "cpus": 2}
        # 40 CPU-seconds busy in 20 s on 2 CPUs; the benchmark's children took 30 of them.
        end = {"busy": 140.0, "ours": 40.0, "cpus": 2}
        self.assertAlmostEqual(run.other_work(start, end, 20.0), 0.25)
        self.assertIsNone(run.other_work(None, end, 20.0))
        snapshot = run.cpu_snapshot()
        if snapshot is not None:
            self.assertGreaterEqual(snapshot["cpus"], 1)
            self.assertGreater(snapshot["busy"], 0.0)

    def test_busy_machine_is_named_in_the_report(self):
        results = dict(_results(), other_work=0.42)
        results["targets"] = report.targets(results)
        text = report.markdown(results)
        self.assertIn("Other work on the machine took 42% of its CPU time during the run.", text)
        self.assertIn("files per CPU-second are the steadier figure", text)


class ConfigTest(unittest.TestCase):
    def config(self, **env):
        saved = dict(os.environ)
        try:
            for name in run.Config.KNOWN + ("JIXIAO_BIN_BUILT",):
                os.environ.pop(name, None)
            os.environ.update(env)
            return run.Config()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_the_command_names_a_binary_only_when_the_user_chose_it(self):
        built = self.config(JIXIAO_BIN="/x/target/release/jixiao", JIXIAO_BIN_BUILT="1", REPEAT="5")
        self.assertEqual(built.overrides(), {"REPEAT": "5"})
        chosen = self.config(JIXIAO_BIN="/opt/jixiao", JIXIAO_BIN_BUILT="0")
        self.assertEqual(chosen.overrides(), {"JIXIAO_BIN": "/opt/jixiao"})

    def test_a_full_run_repeats_each_setting_three_times(self):
        self.assertEqual(self.config(JIXIAO_BIN="/opt/jixiao").repeat, 3)
        self.assertEqual(self.config(JIXIAO_BIN="/opt/jixiao", QUICK="1").repeat, 1)


class EndToEndTest(unittest.TestCase):
    """The driver as `make bench` starts it, with the stand-in and tiny corpora."""

    def environment(self, work, binary):
        env = dict(os.environ)
        for name in ("QUICK", "JOBS_LIST", "FORMATS", "UPDATE_DOC", "BENCH_SECTION"):
            env.pop(name, None)
        env.update(
            {
                "JIXIAO_BIN": str(binary),
                "JIXIAO_BIN_BUILT": "0",
                "BENCH_WORK": str(work),
                "NO_PYTHON": "1",
                "PER_FORMAT": "8",
                "PDF_FILES": "2",
                "MEM_SIZES": "12 24",
                "REPEAT": "1",
                "DOC_FILES": "1",
                "UPDATE_DOC": "1",
                "JOBS_LIST": "1 2",
            }
        )
        return env

    def test_standin_run_measures_every_format_and_leaves_benchmarks_md_alone(self):
        benchmarks = ROOT / "BENCHMARKS.md"
        before = benchmarks.read_bytes() if benchmarks.exists() else None
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, str(HERE / "run.py")],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                env=self.environment(tmp, HERE / "standin.py"),
                check=False,
            )
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("STAND-IN RUN", done.stdout)
            self.assertIn("stand-in's figures are not jixiao's", done.stderr)
            saved = list((Path(tmp) / "results").glob("*.json"))
            self.assertEqual(len(saved), 1)
            results = json.loads(saved[0].read_text())
        self.assertEqual(
            [row["format"] for row in results["formats"]],
            ["text", "docx", "xlsx", "xls", "html", "pdf"],
        )
        for row in results["formats"]:
            self.assertEqual([measured["jobs"] for measured in row["runs"]], [1, 2])
            for measured in row["runs"]:
                self.assertEqual(measured["counts"]["docs"], row["files"])
        self.assertEqual(results["formats"][-1]["pages"], 33)
        self.assertEqual([row["files"] for row in results["memory"]], [12, 24])
        self.assertEqual(results["doc"]["counts"]["docs"], 1)
        self.assertEqual(results["invalid"], [])
        after = benchmarks.read_bytes() if benchmarks.exists() else None
        self.assertEqual(before, after)

    def test_section_of_this_machine_is_replaced_and_nothing_else(self):
        with tempfile.TemporaryDirectory() as tmp:
            # A binary that is not the stand-in by name or --version: the harness treats it as
            # jixiao, so UPDATE_DOC=1 writes its figures.
            binary = Path(tmp) / "jixiao"
            binary.write_text(
                "#!/bin/sh\n"
                'if [ "$1" = --version ]; then echo "jixiao 0.1.0"; exit 0; fi\n'
                f'exec "{sys.executable}" "{HERE / "standin.py"}" "$@"\n'
            )
            binary.chmod(0o755)
            document = Path(tmp) / "BENCHMARKS.md"
            original = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
            document.write_text(original, encoding="utf-8")
            env = self.environment(Path(tmp) / "work", binary)
            env.update(
                {
                    "BENCH_DOC": str(document),
                    "BENCH_SECTION": "2-core",
                    "JIXIAO_COMMIT": "abc123",
                    "FORMATS": "text docx",
                    "DOC_FILES": "0",
                }
            )
            done = subprocess.run(
                [sys.executable, str(HERE / "run.py")],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
                check=False,
            )
            self.assertEqual(done.returncode, 0, done.stderr)
            written = document.read_text(encoding="utf-8")
            env["UPDATE_DOC"] = "auto"
            document.write_text(original, encoding="utf-8")
            again = subprocess.run(
                [sys.executable, str(HERE / "run.py")],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
                check=False,
            )
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertEqual(document.read_text(encoding="utf-8"), original)
            self.assertIn("the binary came from JIXIAO_BIN", again.stderr)
        head = original[: original.index("<!-- bench:begin 2-core -->")]
        self.assertTrue(
            written.startswith(head + "<!-- bench:begin 2-core -->\n### 2-core: measured")
        )
        self.assertIn("commit `abc123` as JIXIAO_COMMIT states", written)
        self.assertIn("| docx | 8 |", written)
        self.assertNotIn("### 2-core: not yet measured", written)
        tail = original[original.index("<!-- bench:end 2-core -->") :]
        self.assertTrue(written.endswith(tail))

    def test_binary_whose_extract_writes_nothing_is_refused_with_a_way_forward(self):
        with tempfile.TemporaryDirectory() as tmp:
            silent = Path(tmp) / "jixiao"
            silent.write_text("#!/bin/sh\nexit 0\n")
            silent.chmod(0o755)
            done = subprocess.run(
                [sys.executable, str(HERE / "run.py")],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                env=self.environment(Path(tmp) / "work", silent),
                check=False,
            )
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("wrote 0 documents instead of 1", done.stderr)
        self.assertIn("JIXIAO_BIN=scripts/bench/standin.py", done.stderr)


if __name__ == "__main__":
    unittest.main()
