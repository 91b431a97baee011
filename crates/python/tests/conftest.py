"""Shared fixtures of the Python tests: the repository, the command line, a Spark session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "fixtures"
#: The folders of fixture documents, one per format (fixtures/gold holds expected output).
FORMATS = ["doc", "docx", "html", "pdf", "rtf", "text", "xls", "xlsx"]
#: The seeds whose gold file lists every table; each is in every folder of FORMATS.
COMPLETE = ["000_5951d4f30969a9c2", "001_7ba444aee7ec495e", "003_f17e630e396b42a6"]
#: The names a document of the fixtures ends in (fixtures/ also holds licences and notes).
DOCUMENT_SUFFIXES = {".doc", ".docx", ".html", ".pdf", ".rtf", ".txt", ".xls", ".xlsx"}


def cli_path() -> Path:
    """The command line built by cargo (make test builds it before running pytest)."""
    given = os.environ.get("JIXIAO_BIN")
    return Path(given) if given else ROOT / "target" / "debug" / "jixiao"


def fixture_files():
    """Every fixture document (every format, the real-world and web ones in sub-folders too,
    not the gold files), as a path relative to the repository root, in sorted order."""
    return sorted(
        path.relative_to(ROOT)
        for path in FIXTURES.rglob("*")
        if path.is_file()
        and path.suffix in DOCUMENT_SUFFIXES
        and path.relative_to(FIXTURES).parts[0] != "gold"
    )


@pytest.fixture(scope="session")
def cli():
    path = cli_path()
    if not path.is_file():
        pytest.fail(f"the command line is not built at {path}: run `cargo build` (make test does)")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(path), *args], cwd=ROOT, capture_output=True, timeout=600
        )
        if check and done.returncode not in (0, 1):
            raise AssertionError(f"jixiao {' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")
        return done

    return run


def spark_unavailable_reason() -> str | None:
    """Why a local Spark session cannot start here, or None when it can."""
    try:
        import pyspark  # noqa: F401
        import pandas  # noqa: F401  (mapInArrow needs it)
    except ImportError as error:
        return (
            f"pyspark cannot be imported ({error}): scripts/python-env.sh could not install it "
            "(its log, pip-requirements-spark.log, is in the shared environment it names)"
        )
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and (Path(java_home) / "bin" / "java").is_file()):
        return "Java is not installed (scripts/python-env.sh installs openjdk-17-jre-headless when apt-get can)"
    return None


@pytest.fixture(scope="session")
def spark():
    reason = spark_unavailable_reason()
    if reason:
        # Printed in the summary by `pytest -rs`, which make test uses.
        pytest.skip(reason)
    # Workers must run the Python that has jixiao installed; only loopback is used.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("jixiao-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
