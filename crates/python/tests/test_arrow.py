"""Indicator rows: `indicator_rows`, `to_arrow` and the command line's `--format parquet`."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import jixiao
from conftest import ROOT

# Every format's folder (sub-folders included: the real-world PDFs, Word-made .doc files).
FOLDERS = [
    "fixtures/doc",
    "fixtures/docx",
    "fixtures/html",
    "fixtures/pdf",
    "fixtures/rtf",
    "fixtures/text",
    "fixtures/xls",
    "fixtures/xlsx",
]
#: The typed columns of the parsed value and their Arrow types.
TYPED = {
    "value_kind": pa.string(),
    "op": pa.string(),
    "number": pa.float64(),
    "low": pa.float64(),
    "high": pa.float64(),
    "value_unit": pa.string(),
    "date": pa.string(),
    "approx": pa.bool_(),
    "table": pa.int64(),
    "page": pa.int64(),
    "budget_total": pa.float64(),
}


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def docs():
    return list(jixiao.extract_many(FOLDERS, jobs=2))


def test_the_columns_are_the_csv_columns_typed(cli):
    header = cli("extract", "fixtures/text/000_5951d4f30969a9c2.txt", "-f", "csv").stdout
    csv_columns = next(csv.reader(io.StringIO(header.decode("utf-8-sig"))))
    assert jixiao.ROW_COLUMNS == csv_columns
    schema = jixiao.row_schema()
    assert schema.names == csv_columns
    for name, arrow_type in TYPED.items():
        assert schema.field(name).type == arrow_type, name
    assert schema.field("raw").type == pa.string()


def csv_text(value):
    """A typed cell as the CSV writes it (formula escaping aside)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def unescape(field):
    """The CSV's formula escaping undone: a leading apostrophe before = + - @ tab CR."""
    if field[:1] == "'" and field[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return field[1:]
    return field


def test_indicator_rows_are_the_csv_rows_typed(cli, docs):
    for path in ["fixtures/xlsx/001_7ba444aee7ec495e.xlsx", "fixtures/pdf/000_5951d4f30969a9c2.pdf"]:
        doc = jixiao.extract(path)
        rows = jixiao.indicator_rows(doc)
        assert len(rows) == sum(len(t["indicators"]) for t in doc["tables"]) > 50
        done = cli("extract", path, "-f", "csv")
        csv_rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"))))
        assert len(csv_rows) == len(rows)
        for row, csv_row in zip(rows, csv_rows):
            assert list(row) == jixiao.ROW_COLUMNS
            for name, value in row.items():
                field = unescape(csv_row[name])
                if isinstance(value, float):
                    assert float(field) == value, name
                else:
                    assert csv_text(value) == field, (name, value, field)
    # The primary value is typed: the parsed value of the document's first indicator.
    doc = jixiao.extract("fixtures/xlsx/001_7ba444aee7ec495e.xlsx")
    rows = jixiao.indicator_rows(doc)
    numbers = [r for r in rows if r["number"] is not None]
    assert numbers and all(isinstance(r["number"], float) for r in numbers)
    assert all(isinstance(r["approx"], bool) for r in rows if r["value_kind"] is not None)
    assert all(isinstance(r["table"], int) for r in rows)
    indicator = doc["tables"][0]["indicators"][0]
    first = rows[0]
    assert first["level3"] == indicator["level3"]
    value = indicator["values"][0]
    parsed = value["parsed"] or {}
    assert first["raw"] == value["raw"]
    assert first["value_kind"] == parsed.get("kind")
    assert first["op"] == parsed.get("op")
    assert first["number"] == parsed.get("number")
    assert first["value_unit"] == parsed.get("unit")


def test_a_failed_document_is_one_row_with_its_error():
    doc = jixiao.extract(b"\x00\x01 not a document", name="junk.bin")
    rows = jixiao.indicator_rows(doc)
    assert len(rows) == 1
    assert rows[0]["status"] == "failed"
    assert rows[0]["error_code"] == doc["error"]["code"]
    assert rows[0]["level1"] is None


def test_to_arrow_equals_indicator_rows(docs):
    table = jixiao.to_arrow(docs)
    assert table.schema == jixiao.row_schema()
    expected = [row for doc in docs for row in jixiao.indicator_rows(doc)]
    assert table.num_rows == len(expected) > 1000
    assert table.to_pylist() == expected
    assert jixiao.to_arrow([]).num_rows == 0
    assert jixiao.to_arrow(docs[0]).num_rows == len(jixiao.indicator_rows(docs[0]))


def test_documents_reach_the_native_module_as_orjson_bytes_or_json_text(docs, monkeypatch):
    import json

    import orjson

    from jixiao import _jixiao

    with_orjson = jixiao.to_arrow(docs)
    assert isinstance(jixiao._dumps(docs[0]), bytes)
    # Both encodings of every document give the same rows.
    as_text = [json.dumps(doc, ensure_ascii=False) for doc in docs]
    as_bytes = [orjson.dumps(doc) for doc in docs]
    assert _jixiao.rows_ipc(as_text) == _jixiao.rows_ipc(as_bytes)
    # A value orjson does not write (an int key) falls back to json.dumps, which writes it.
    odd = dict(docs[0], extra={1: "one"})
    assert isinstance(jixiao._dumps(odd), str)
    assert jixiao.indicator_rows(odd) == jixiao.indicator_rows(docs[0])
    # Without orjson, json.dumps carries the same rows.
    monkeypatch.setattr(jixiao, "_dump", None)
    assert isinstance(jixiao._dumps(docs[0]), str)
    assert jixiao.to_arrow(docs).equals(with_orjson)


def test_a_document_that_is_neither_text_nor_bytes_is_refused():
    from jixiao import _jixiao

    with pytest.raises(TypeError, match="str or bytes, not int"):
        _jixiao.rows_ipc([1])
    with pytest.raises(ValueError, match="not UTF-8"):
        _jixiao.indicator_rows(b"\xff{}")
    with pytest.raises(ValueError, match="not a jixiao document"):
        _jixiao.rows_ipc([b"{}"])


def test_cli_parquet_read_back_equals_to_arrow(cli, docs, tmp_path):
    out = tmp_path / "rows.parquet"
    cli("extract", *FOLDERS, "--format", "parquet", "-o", str(out), "-q", "-j", "2")
    written = pq.read_table(out)
    expected = jixiao.to_arrow(docs)
    assert written.schema.remove_metadata() == expected.schema
    assert written.num_rows == expected.num_rows
    assert written.equals(expected)


def test_cli_parquet_of_many_documents_keeps_every_row_and_failure(cli, tmp_path):
    # Row groups (32,768 rows each) are tested by tests/parquet_output.rs; here 40 copies of
    # the largest fixture and a broken file, read back by PyArrow.
    archive = tmp_path / "archive"
    archive.mkdir()
    source = (ROOT / "fixtures/xlsx/001_7ba444aee7ec495e.xlsx").read_bytes()
    per_file = len(jixiao.indicator_rows(jixiao.extract(source, name="a.xlsx")))
    assert per_file == 135
    for index in range(40):
        (archive / f"{index:03}.xlsx").write_bytes(source)
    (archive / "broken.pdf").write_bytes(b"%PDF-1.7 and nothing else")
    out = tmp_path / "rows.parquet"
    done = cli("extract", str(archive), "--format", "parquet", "-o", str(out), "-q", "-j", "2")
    assert done.returncode == 1, "a failed input makes exit status 1"
    parquet = pq.ParquetFile(out)
    assert parquet.metadata.num_rows == 40 * 135 + 1
    table = parquet.read()
    failed = table.filter(pc.equal(table["status"], "failed")).to_pylist()
    assert len(failed) == 1
    assert failed[0]["path"].endswith("broken.pdf")
    assert failed[0]["error_code"] == "unreadable"


def test_cli_parquet_goes_to_a_pipe(cli):
    done = cli("extract", "fixtures/text", "--format", "parquet", "-q")
    # On a terminal it would ask for -o FILE; piped, the file goes to standard output.
    assert done.returncode == 0
    assert done.stdout[:4] == b"PAR1" and done.stdout[-4:] == b"PAR1"
    assert pq.read_table(io.BytesIO(done.stdout)).num_rows > 100
