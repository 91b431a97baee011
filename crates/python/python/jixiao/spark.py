"""jixiao on Spark: documents and indicator rows as DataFrames, read where the files are.

Both readers list files with Spark's ``binaryFile`` source and extract them with
``mapInArrow``: each file's bytes are read and extracted on the executor that holds its
partition and never travel to the driver, and Spark runs one task per executor core. A file
that cannot be read is a row with ``status = "failed"`` and its ``error_code`` and
``error_message``, never a failed job.

Reading: where Spark lists the files on the local file system (``file:`` paths: a laptop, or
a folder mounted at the same path on every executor), each task opens its files itself, by
the path Spark listed, and Spark reads no file content (``open_local=True``, the default).
Otherwise (HDFS, object stores) Spark's ``binaryFile`` reader reads each file and streams its
bytes to the task. Opening the files in the task spares the executor's JVM from copying every
file into Arrow batches and through a socket to the task: on ``local[2]``, ``read_indicators``
was 7% to 33% faster in the runs of BENCHMARKS.md. The rows are the same either way; a file over
``max_input`` is refused before it is read rather than after. ``open_local=False`` has Spark
read every file, through its own file-system layer.

Tasks: Spark packs small files about 32 to a partition (it counts 4 MB,
``spark.sql.files.openCostInBytes``, for opening each). Extracting a file costs far more than
opening it, and each task has a fixed cost (and writes an output file of its own), so both
readers merge partitions into tasks of about ``files_per_task`` files (default 1,000), never
more bytes than ``spark.sql.files.maxPartitionBytes`` (128 MB) a task, and never fewer tasks
than two per core. Within a task, files are extracted and handed back to Spark 64 at a time,
so memory is bounded by the largest batch Spark sends, not by the task.

Every executor needs the ``jixiao`` wheel and pyarrow in the Python that runs its tasks (see
examples/spark_submit.py for shipping a virtual environment with ``spark-submit``). Nothing
else: every format, legacy ``.doc`` included, is read natively by the wheel.

>>> from jixiao.spark import read_indicators                          # doctest: +SKIP
>>> rows = read_indicators(spark, "hdfs:///archive/2021/")            # doctest: +SKIP
>>> rows.groupBy("level1").count().show()                             # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

__all__ = ["read_tables", "read_indicators", "indicator_struct", "document_struct"]

#: The default number of files a task extracts (see the module's notes).
FILES_PER_TASK = 1000
#: Files extracted per call into the native module within a task.
FILES_PER_CALL = 64


def read_indicators(
    spark: "SparkSession",
    path: str,
    recursive: bool = True,
    files_per_task: Optional[int] = FILES_PER_TASK,
    open_local: bool = True,
    **limits: Any,
) -> "DataFrame":
    """One row per indicator of every file under ``path`` (a file, a folder or a glob).

    The columns are those of ``jixiao.to_arrow`` (the CSV output's, typed); see
    ``indicator_struct()``. A failed file gives one row with its status and error; a file whose
    tables hold no indicators gives none. ``files_per_task`` sets how many files a task
    extracts (see the module's notes; ``None`` keeps Spark's own partitions). With
    ``open_local`` (the default), tasks open files on the local file system themselves;
    ``False`` has Spark read every file (see the module's notes). ``limits`` are those of
    ``jixiao.extract``.
    """
    files, local = _binary_files(spark, path, recursive, files_per_task, open_local)
    return files.mapInArrow(_extractor("rows", limits, local), indicator_struct())


def read_tables(
    spark: "SparkSession",
    path: str,
    recursive: bool = True,
    files_per_task: Optional[int] = FILES_PER_TASK,
    open_local: bool = True,
    **limits: Any,
) -> "DataFrame":
    """One row per file under ``path``: path, format, status, error_code, error_message,
    title, the counts of tables, indicators and warnings, bytes, sha256, and ``document``, the
    whole document as JSON text (the command line's JSON Lines line; open it with
    ``from_json`` or ``json.loads``). ``files_per_task``, ``open_local`` and ``limits`` are as
    for ``read_indicators``.
    """
    files, local = _binary_files(spark, path, recursive, files_per_task, open_local)
    return files.mapInArrow(_extractor("documents", limits, local), document_struct())


def indicator_struct() -> "StructType":
    """The Spark schema of ``read_indicators``."""
    from . import _jixiao

    return _to_struct(_jixiao.rows_schema_ipc())


def document_struct() -> "StructType":
    """The Spark schema of ``read_tables``."""
    from . import _jixiao

    return _to_struct(_jixiao.documents_schema_ipc())


def _binary_files(
    spark: "SparkSession",
    path: str,
    recursive: bool,
    files_per_task: Optional[int],
    open_local: bool,
) -> "Tuple[DataFrame, bool]":
    """The listed files as the extractor's input, and whether its tasks open them (only their
    paths are selected, so Spark reads no content) rather than getting their bytes."""
    if files_per_task is not None and files_per_task < 1:
        raise ValueError("files_per_task must be 1 or more, or None")
    listed = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true" if recursive else "false")
        .load(path)
    )
    local = open_local and _listed_locally(listed)
    files = listed.select("path") if local else listed.select("path", "content")
    if files_per_task is None:
        return files, local
    tasks = _task_count(spark, listed, files_per_task)
    return (files if tasks is None else files.coalesce(tasks)), local


def _listed_locally(listed: "DataFrame") -> bool:
    """Whether Spark listed the files on the local file system (``file:`` paths), from the
    listing it made when the source was loaded (one path is enough: one source, one file
    system). ``False`` where the listing cannot be reached (Spark Connect) or is empty."""
    try:
        files = listed._jdf.inputFiles()
        return len(files) > 0 and str(files[0]).startswith("file:")
    except Exception:  # noqa: BLE001 - Spark reads the files where this cannot tell
        return False


def _task_count(
    spark: "SparkSession", listed: "DataFrame", files_per_task: int
) -> Optional[int]:
    """The number of tasks for ``files_per_task``, from the listing Spark made when the source
    was loaded (no job, no extra request per file); ``coalesce`` never raises a count, so it
    only merges. ``None``, with a warning, where the listing's figures cannot be reached (Spark
    Connect)."""
    try:
        jdf = listed._jdf
        count = len(jdf.inputFiles())
        size = int(str(jdf.queryExecution().optimizedPlan().stats().sizeInBytes()))
        cores = spark.sparkContext.defaultParallelism
        task_bytes = _bytes(spark.conf.get("spark.sql.files.maxPartitionBytes", "128m"))
    except Exception as error:  # noqa: BLE001 - any failure keeps Spark's own partitions
        warnings.warn(
            f"jixiao.spark: cannot count the listed files ({error}); Spark's own partitions are "
            "kept (pass files_per_task=None to choose that and silence this)",
            stacklevel=4,
        )
        return None
    by_files = -(-count // files_per_task)
    by_bytes = -(-size // max(task_bytes, 1))
    return max(by_files, by_bytes, 2 * cores)


def _bytes(setting: str) -> int:
    """A Spark byte setting (``134217728``, ``128m``, ``1g``...) in bytes."""
    text = setting.strip().lower().rstrip("b")
    scale = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}.get(text[-1:], 1)
    return int(float(text.rstrip("kmgt")) * scale)


def _extractor(
    what: str, limits: Dict[str, Any], local: bool
) -> Callable[[Iterator["pyarrow.RecordBatch"]], Iterator["pyarrow.RecordBatch"]]:
    # A plain closure over picklable values: Spark ships it to every executor.
    def extract(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        from jixiao import _jixiao

        for batch in batches:
            # A slice at a time: Python holds copies of 64 files' bytes, not of the batch's,
            # and Spark receives each slice's rows while the next is extracted.
            for start in range(0, batch.num_rows, FILES_PER_CALL):
                part = batch.slice(start, FILES_PER_CALL)
                paths = part.column("path").to_pylist()
                if local:
                    ipc = _jixiao.extract_local_ipc(paths, what, limits)
                else:
                    contents = part.column("content").to_pylist()
                    ipc = _jixiao.extract_contents_ipc(paths, contents, what, limits)
                for out in pa.ipc.open_stream(ipc):
                    yield out

    return extract


def _to_struct(ipc_schema: bytes) -> "StructType":
    import pyarrow as pa
    from pyspark.sql.types import (
        BooleanType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    types = {
        pa.string(): StringType(),
        pa.float64(): DoubleType(),
        pa.int64(): LongType(),
        pa.bool_(): BooleanType(),
    }
    schema = pa.ipc.open_stream(ipc_schema).schema
    return StructType(
        [StructField(field.name, types[field.type], field.nullable) for field in schema]
    )
