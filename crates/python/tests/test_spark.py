"""`jixiao.spark` on a local Spark session (local[2]): the gold indicators, and a corrupt file
that is a failed row, not a failed job. Skipped, with the reason, when pyspark or Java is
missing (scripts/python-env.sh installs both when it can)."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict

import pytest

import jixiao
from conftest import COMPLETE, FIXTURES, FORMATS

pytestmark = pytest.mark.spark


def gold(stem):
    return json.loads((FIXTURES / "gold" / f"{stem}.gold.json").read_text(encoding="utf-8"))


def gold_rows(stem):
    """The gold indicators of a seed: (project, level1, level2, level3, values, description,
    basis), description and basis None where the gold's table has none."""
    rows = []
    for table in gold(stem)["tables"]:
        indicators = table["indicators"]
        with_description = any("description" in i for i in indicators)
        with_basis = any("basis" in i for i in indicators)
        for indicator in indicators:
            rows.append(
                (
                    table["project_name"],
                    indicator["level1"],
                    indicator["level2"],
                    indicator["level3"],
                    indicator["values"],
                    indicator.get("description", "") if with_description else None,
                    indicator.get("basis", "") if with_basis else None,
                )
            )
    return rows


def check_row(row, like, where):
    """A Spark row against its gold row: the same names and levels, its primary value one of
    the gold values and the other gold values in ``other_values``."""
    project, level1, level2, level3, values, description, basis = like
    assert (row["project_name"], row["level1"], row["level2"], row["level3"]) == (
        project,
        level1,
        level2,
        level3,
    ), where
    assert (row["raw"] or "") in values, (where, row["raw"], values)
    others = list(values)
    others.remove(row["raw"] or "")
    for value in others:
        assert value in (row["other_values"] or ""), (where, value, row["other_values"])
    if description is not None:
        assert (row["description"] or "") == description, where
    if basis is not None:
        assert (row["basis"] or "") == basis, where


def reads_content(frame):
    """Whether Spark's file scan of a frame reads the files' content (its plan's read schema)."""
    plan = frame._jdf.queryExecution().executedPlan().toString()
    scan = [line for line in plan.splitlines() if "ReadSchema" in line]
    assert len(scan) == 1, plan
    return "content" in scan[0].split("ReadSchema")[1]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Every format of the complete seeds, as in fixtures/, in sub-folders, and a corrupt
    .docx among them."""
    root = tmp_path_factory.mktemp("archive")
    for folder in FORMATS:
        (root / folder).mkdir()
        for path in (FIXTURES / folder).iterdir():
            if path.stem in COMPLETE:
                shutil.copy(path, root / folder / path.name)
    (root / "docx" / "corrupt.docx").write_bytes(b"PK\x03\x04\x14\x00 cut off in the middle")
    return root


@pytest.mark.parametrize("open_local", [True, False], ids=["tasks-open-files", "spark-reads-bytes"])
def test_read_indicators_gives_the_gold_indicators(spark, archive, open_local):
    from jixiao.spark import indicator_struct, read_indicators

    frame = read_indicators(spark, str(archive), open_local=open_local)
    assert reads_content(frame) is not open_local
    assert frame.schema == indicator_struct()
    rows = frame.collect()
    files = [p for p in archive.rglob("*") if p.is_file()]
    by_file = defaultdict(list)
    for row in rows:
        by_file[row["path"]].append(row)
    assert len(by_file) == len(files) == len(FORMATS) * len(COMPLETE) + 1, sorted(by_file)

    # The corrupt file is one failed row with its error; the job did not fail.
    corrupt = [path for path in by_file if path.endswith("corrupt.docx")]
    assert len(corrupt) == 1
    (failed,) = by_file.pop(corrupt[0])
    assert failed["status"] == "failed"
    assert failed["error_code"] == "unreadable"
    assert failed["error_message"]
    assert failed["level3"] is None

    # Every other file: its gold indicators, in order, and nothing else.
    expected_total = 0
    for path, file_rows in by_file.items():
        stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        wanted = gold_rows(stem)
        expected_total += len(wanted)
        assert all(row["status"] == "ok" for row in file_rows), path
        assert len(file_rows) == len(wanted), path
        for index, (row, like) in enumerate(zip(file_rows, wanted)):
            check_row(row, like, f"{path} row {index}")
    assert len(rows) == expected_total + 1
    # Typed columns reach Spark typed.
    numbers = [r["number"] for r in rows if r["number"] is not None]
    assert numbers and all(isinstance(n, float) for n in numbers)
    assert all(isinstance(r["approx"], bool) for r in rows if r["value_kind"] is not None)


def test_read_tables_gives_one_document_per_file(spark, archive):
    from jixiao.spark import document_struct, read_tables

    frame = read_tables(spark, str(archive / "docx"))
    assert frame.schema == document_struct()
    rows = {row["path"]: row for row in frame.collect()}
    assert len(rows) == len(list((archive / "docx").iterdir()))
    for path, row in rows.items():
        local = archive / "docx" / path.rsplit("/", 1)[-1]
        expected = jixiao.extract(local.read_bytes(), name=path)
        assert json.loads(row["document"]) == expected
        assert row["status"] == expected["status"]
        assert row["indicators"] == sum(len(t["indicators"]) for t in expected["tables"])
        if path.endswith("corrupt.docx"):
            assert row["status"] == "failed" and row["error_code"] == "unreadable"
        else:
            assert row["tables"] >= 1 and row["sha256"] == expected["source"]["sha256"]


def test_read_indicators_equals_to_arrow_of_the_same_files(spark):
    from jixiao.spark import read_indicators

    folder = FIXTURES / "pdf"
    frame = read_indicators(spark, str(folder))
    spark_rows = frame.collect()
    # Spark names each file by its URI (file:/...); the local run by its path.
    files = sorted(p for p in folder.rglob("*.pdf"))
    local = jixiao.to_arrow(jixiao.extract_many([str(p) for p in files], jobs=2)).to_pylist()
    assert len(spark_rows) == len(local) > 1000

    def key(row):
        path = row["path"]
        return (path[path.index(str(folder)) :], row["table"] or 0)

    spark_sorted = sorted((row.asDict() for row in spark_rows), key=key)
    local_sorted = sorted(local, key=key)
    for spark_row, local_row in zip(spark_sorted, local_sorted):
        spark_row["path"] = spark_row["path"][spark_row["path"].index(str(folder)) :]
        assert spark_row == local_row


def test_small_files_are_merged_into_tasks_of_files_per_task(spark, tmp_path):
    """Spark packs about 32 small files into a partition; the readers merge partitions into
    tasks of `files_per_task` files, never fewer than two tasks per core, and `None` keeps
    Spark's partitions. The rows are the same either way."""
    from jixiao.spark import read_indicators

    source = FIXTURES / "text" / f"{COMPLETE[0]}.txt"
    for index in range(200):
        shutil.copy(source, tmp_path / f"{index:03}.txt")

    own = read_indicators(spark, str(tmp_path), files_per_task=None)
    spark_partitions = own.rdd.getNumPartitions()
    assert spark_partitions >= 6, spark_partitions  # 200 files, about 32 a partition

    cores = spark.sparkContext.defaultParallelism
    merged = read_indicators(spark, str(tmp_path))  # 1,000 files a task: the floor decides
    assert merged.rdd.getNumPartitions() == min(spark_partitions, 2 * cores)
    forty = read_indicators(spark, str(tmp_path), files_per_task=40)
    assert forty.rdd.getNumPartitions() == min(spark_partitions, max(5, 2 * cores))

    assert merged.count() == own.count() == 200 * len(gold_rows(COMPLETE[0]))
    with pytest.raises(ValueError, match="files_per_task"):
        read_indicators(spark, str(tmp_path), files_per_task=0)


def test_spark_byte_settings_are_read_as_spark_reads_them():
    from jixiao.spark import _bytes

    assert _bytes("134217728") == 128 << 20
    assert _bytes("128m") == _bytes("128MB") == 128 << 20
    assert _bytes("1g") == 1 << 30
    assert _bytes("64k") == 64 << 10


def test_spark_split_is_kept_with_a_warning_where_the_listing_cannot_be_counted():
    """Spark Connect has no `_jdf`: the readers keep Spark's own partitions and say so."""
    from jixiao.spark import _task_count

    class Remote:
        pass

    with pytest.warns(UserWarning, match="files_per_task=None"):
        assert _task_count(Remote(), Remote(), 1000) is None


def test_tasks_open_local_files_by_the_path_spark_listed(spark, tmp_path):
    """Names Spark writes as they are in its file: URIs (spaces, %, #, Chinese) are opened by
    the tasks and give the rows Spark's own reading gives, and the limits apply."""
    from jixiao.spark import read_indicators, read_tables

    source = FIXTURES / "docx" / f"{COMPLETE[0]}.docx"
    folder = tmp_path / "预算 2021%20#1"
    folder.mkdir()
    for name in ["项目 绩效%41.docx", "a+b&c=d;e#f.docx", "plain.docx"]:
        shutil.copy(source, folder / name)
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 cut off")

    def rows(frame):
        return sorted((tuple(row) for row in frame.collect()), key=repr)

    opened = read_indicators(spark, str(folder))
    streamed = read_indicators(spark, str(folder), open_local=False)
    assert not reads_content(opened) and reads_content(streamed)
    assert rows(opened) == rows(streamed)
    paths = {row["path"] for row in opened.select("path").collect()}
    assert f"file:{folder}/项目 绩效%41.docx" in paths and len(paths) == 4
    documents = read_tables(spark, str(folder))
    assert not reads_content(documents)
    assert rows(documents) == rows(read_tables(spark, str(folder), open_local=False))

    # Limits reach the tasks: a file over max_input is refused, by its size, before it is read.
    small = {row["path"]: row for row in read_tables(spark, str(folder), max_input=1000).collect()}
    assert small.pop(f"file:{folder}/corrupt.docx")["error_code"] == "unreadable"  # 22 bytes
    assert len(small) == 3 and {row["error_code"] for row in small.values()} == {"too_large"}
    assert all(row["bytes"] == source.stat().st_size for row in small.values())


def test_local_uris_are_opened_and_other_uris_are_failed_documents():
    """The native half of opening listed files: the URI forms Hadoop writes for local files,
    and a clear failed document for any other."""
    import pyarrow as pa

    from jixiao import _jixiao

    path = FIXTURES / "text" / f"{COMPLETE[0]}.txt"
    local = [f"file:{path}", f"file://{path}", f"file://localhost{path}"]
    others = ["hdfs://namenode/archive/a.pdf", "file://otherhost/a.pdf", "file:relative.pdf", str(path)]
    table = pa.ipc.open_stream(_jixiao.extract_local_ipc(local + others, "documents")).read_all()
    rows = {row["path"]: row for row in table.to_pylist()}
    assert list(rows) == local + others
    expected = _jixiao.extract_contents_ipc(local, [path.read_bytes()] * 3, "documents")
    assert table.slice(0, 3).equals(pa.ipc.open_stream(expected).read_all())
    for uri in others:
        assert (rows[uri]["status"], rows[uri]["error_code"]) == ("failed", "unreadable"), uri
        assert "not a path on the local file system" in rows[uri]["error_message"], uri
    with pytest.raises(ValueError, match="what must be"):
        _jixiao.extract_local_ipc(local, "tables")
