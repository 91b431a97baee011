"""Extract every performance target table of an archive on a Spark cluster.

Reads every file under INPUT (HDFS, S3, a local folder: any path Spark reads), writes one row
per indicator to OUTPUT as Parquet, and prints how many files were read, how many failed and
why. A file that cannot be read is a row with status "failed", never a failed job.

Every executor needs the `jixiao` wheel and pyarrow in the Python that runs its tasks. The
simplest way is to ship a packed virtual environment with the job:

    python3 -m venv jixiao-env && jixiao-env/bin/pip install jixiao pyarrow pandas venv-pack
    jixiao-env/bin/venv-pack -o jixiao-env.tar.gz
    PYSPARK_PYTHON=./env/bin/python spark-submit \\
        --master yarn --deploy-mode cluster \\
        --archives jixiao-env.tar.gz#env \\
        --conf spark.executorEnv.PYSPARK_PYTHON=./env/bin/python \\
        examples/spark_submit.py hdfs:///archive/budgets/ hdfs:///out/indicators.parquet

(`pip install jixiao` stands for the wheel `maturin build --release -m crates/python/Cargo.toml`
writes under target/wheels/.) On a single machine, for a try-out, the environment `make test`
builds runs it on local[*] without spark-submit:

    PYSPARK_PYTHON=.venv/bin/python .venv/bin/python examples/spark_submit.py \\
        fixtures/docx out/indicators.parquet

Workers need nothing else: every format, legacy .doc included, is read natively by the wheel
(see "Run on a cluster" in the README).
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from jixiao.spark import read_indicators


def main(source: str, target: str, spark: SparkSession | None = None) -> None:
    """Extracts `source` into `target`; a session given is used and left running."""
    own = spark is None
    if spark is None:
        spark = SparkSession.builder.appName("jixiao-extract").getOrCreate()
    # Raise the limits for an archive of unusually large files, as on the command line:
    # read_indicators(spark, source, max_input="2G", timeout=600)
    rows = read_indicators(spark, source)
    rows.write.mode("overwrite").parquet(target)

    written = spark.read.parquet(target)
    files = written.select("path", "status").distinct()
    print(f"{files.count()} files, {written.filter(F.col('level3').isNotNull()).count()} indicators")
    files.groupBy("status").count().show()
    failed = written.filter(F.col("status") == "failed")
    failed.groupBy("error_code").count().show()
    failed.select("path", "error_message").show(20, truncate=120)
    if own:
        spark.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: spark-submit examples/spark_submit.py INPUT OUTPUT.parquet")
    main(sys.argv[1], sys.argv[2])
