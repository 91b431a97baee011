"""jixiao on Spark: documents and indicator rows as DataFrames, read where the files are.

Both readers list files with Spark's ``binaryFile`` source and extract them with
``mapInArrow``: each file's bytes are read and extracted on the executor that holds its
partition and never travel to the driver, and Spark runs one task per executor core. A file
that cannot be read is a row with ``status = "failed"`` and its ``error_code`` and
``error_message``, never a failed job.

Every executor needs the ``jixiao`` wheel and pyarrow in the Python that runs its tasks (see
examples/spark_submit.py for shipping a virtual environment with ``spark-submit``). Nothing
else: every format, legacy ``.doc`` included, is read natively by the wheel.

>>> from jixiao.spark import read_indicators                          # doctest: +SKIP
>>> rows = read_indicators(spark, "hdfs:///archive/2021/")            # doctest: +SKIP
>>> rows.groupBy("level1").count().show()                             # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

__all__ = ["read_tables", "read_indicators", "indicator_struct", "document_struct"]


def read_indicators(
    spark: "SparkSession", path: str, recursive: bool = True, **limits: Any
) -> "DataFrame":
    """One row per indicator of every file under ``path`` (a file, a folder or a glob).

    The columns are those of ``jixiao.to_arrow`` (the CSV output's, typed); see
    ``indicator_struct()``. A failed file gives one row with its status and error; a file whose
    tables hold no indicators gives none. ``limits`` are those of ``jixiao.extract``.
    """
    files = _binary_files(spark, path, recursive)
    return files.mapInArrow(_extractor("rows", limits), indicator_struct())


def read_tables(
    spark: "SparkSession", path: str, recursive: bool = True, **limits: Any
) -> "DataFrame":
    """One row per file under ``path``: path, format, status, error_code, error_message,
    title, the counts of tables, indicators and warnings, bytes, sha256, and ``document``, the
    whole document as JSON text (the command line's JSON Lines line; open it with
    ``from_json`` or ``json.loads``). ``limits`` are those of ``jixiao.extract``.
    """
    files = _binary_files(spark, path, recursive)
    return files.mapInArrow(_extractor("documents", limits), document_struct())


def indicator_struct() -> "StructType":
    """The Spark schema of ``read_indicators``."""
    from . import _jixiao

    return _to_struct(_jixiao.rows_schema_ipc())


def document_struct() -> "StructType":
    """The Spark schema of ``read_tables``."""
    from . import _jixiao

    return _to_struct(_jixiao.documents_schema_ipc())


def _binary_files(spark: "SparkSession", path: str, recursive: bool) -> "DataFrame":
    return (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true" if recursive else "false")
        .load(path)
        .select("path", "content")
    )


def _extractor(
    what: str, limits: Dict[str, Any]
) -> Callable[[Iterator["pyarrow.RecordBatch"]], Iterator["pyarrow.RecordBatch"]]:
    # A plain closure over picklable values: Spark ships it to every executor.
    def extract(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        from jixiao import _jixiao

        for batch in batches:
            paths = batch.column("path").to_pylist()
            contents = batch.column("content").to_pylist()
            stream = pa.ipc.open_stream(
                _jixiao.extract_contents_ipc(paths, contents, what, limits)
            )
            for out in stream:
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
