"""`jixiao.extract` and `extract_many` give the command line's documents, byte for byte."""

from __future__ import annotations

import json
import os

import pytest

import jixiao
from conftest import ROOT, fixture_files


def pretty(doc) -> bytes:
    """How `jixiao extract FILE` prints one document: serde_json's pretty form and a newline."""
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def compact(doc) -> bytes:
    """How `jixiao extract -f jsonl` writes one document."""
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    # Paths are passed relative to the repository, as a user types them, on both sides.
    monkeypatch.chdir(ROOT)


def test_every_fixture_equals_the_cli_json_lines(cli):
    files = fixture_files()
    assert len(files) >= 70
    done = cli("extract", "-f", "jsonl", "-q", "-j", "2", *map(str, files))
    lines = done.stdout.splitlines(keepends=True)
    assert len(lines) == len(files)
    by_path = {json.loads(line)["source"]["path"]: line for line in lines}
    for path in files:
        doc = jixiao.extract(str(path))
        assert doc["source"]["path"] == str(path)
        assert compact(doc) == by_path[str(path)], path


def one_per_format():
    """The first fixture of each format (the JSON Lines test above covers every fixture)."""
    seen = {}
    for path in fixture_files():
        seen.setdefault(path.suffix, path)
    return sorted(str(path) for path in seen.values())


@pytest.mark.parametrize("path", one_per_format())
def test_a_fixture_equals_the_cli_pretty_json(cli, path):
    expected = cli("extract", path).stdout
    assert pretty(jixiao.extract(path)) == expected
    # The same from the bytes, named as the file.
    with open(path, "rb") as file:
        assert pretty(jixiao.extract(file.read(), name=path)) == expected


def test_a_path_like_is_a_path_and_bytes_default_to_stdin_name():
    path = ROOT / "fixtures" / "docx" / "000_5951d4f30969a9c2.docx"
    from_path = jixiao.extract(path)
    assert from_path["status"] == "ok"
    assert from_path["source"]["path"] == str(path)
    from_bytes = jixiao.extract(path.read_bytes())
    assert from_bytes["source"]["path"] == "-"
    assert from_bytes["tables"] == from_path["tables"]
    renamed = jixiao.extract(path, name="archive/a.docx")
    assert renamed["source"]["path"] == "archive/a.docx"


def test_pasted_text_is_passed_as_bytes():
    text = (ROOT / "fixtures" / "text" / "000_5951d4f30969a9c2.txt").read_text(encoding="utf-8")
    doc = jixiao.extract(text.encode("utf-8"), name="pasted.txt")
    assert doc["status"] == "ok"
    assert doc["source"]["format"] == "text"
    assert sum(len(t["indicators"]) for t in doc["tables"]) == 72


def test_a_broken_file_is_a_failed_document_not_an_exception():
    doc = jixiao.extract(b"PK\x03\x04 this zip stops here", name="broken.docx")
    assert doc["status"] == "failed"
    assert doc["error"]["code"] == "unreadable"
    assert len(doc["error"]["message"]) > 20
    missing = jixiao.extract("no/such/file.docx")
    assert missing["status"] == "failed"
    assert missing["error"]["code"] == "unreadable"
    assert "no such file" in missing["error"]["message"]


def test_limits_are_keyword_arguments_as_on_the_command_line(cli):
    path = "fixtures/docx/000_5951d4f30969a9c2.docx"
    small = jixiao.extract(path, max_input="1K")
    assert small["status"] == "failed"
    assert small["error"]["code"] == "too_large"
    assert "--max-input" in small["error"]["message"]
    assert pretty(small) == cli("extract", path, "--max-input", "1K").stdout
    assert jixiao.extract(path, max_input=1 << 20, timeout=0, max_depth=64)["status"] == "ok"
    with pytest.raises(TypeError, match="unknown limit"):
        jixiao.extract(path, max_size=10)
    with pytest.raises(ValueError, match="not a size"):
        jixiao.extract(path, max_input="lots")
    with pytest.raises(TypeError):
        jixiao.extract(12)


def test_extract_many_keeps_the_order_and_equals_extract():
    folder = "fixtures/xlsx"
    single = "fixtures/html/001_7ba444aee7ec495e.html"
    docs = list(jixiao.extract_many([single, folder], jobs=2))
    expected_paths = [single] + sorted(
        os.path.join(folder, name) for name in os.listdir(folder)
    )
    assert [doc["source"]["path"] for doc in docs] == expected_paths
    for doc in docs:
        assert doc == jixiao.extract(doc["source"]["path"])


def test_extract_many_can_stop_early_and_reports_failures():
    stream = jixiao.extract_many(["fixtures/text", "no/such/file.pdf"], jobs=2)
    first = next(stream)
    assert first["source"]["path"].startswith("fixtures/text/")
    stream.close()
    docs = list(jixiao.extract_many(["no/such/file.pdf", "fixtures/text/000_5951d4f30969a9c2.txt"]))
    assert [doc["status"] for doc in docs] == ["failed", "ok"]


def test_doc_files_are_read_natively():
    # Legacy .doc needs nothing beyond the wheel: no LibreOffice on the machine or the worker.
    for path in sorted((ROOT / "fixtures" / "doc").glob("*.doc")):
        doc = jixiao.extract(path)
        assert doc["status"] == "ok", (path, doc.get("error"))
        assert doc["source"]["format"] == "doc"
        assert sum(len(t["indicators"]) for t in doc["tables"]) > 0


def test_the_doc_converter_is_a_keyword_too():
    path = "fixtures/doc/000_5951d4f30969a9c2.doc"
    assert jixiao.extract(path, doc_converter="none") == jixiao.extract(path)
    with pytest.raises(ValueError, match="soffice"):
        jixiao.extract(path, doc_converter="word")


def test_the_standard_json_parser_gives_the_same_documents(monkeypatch):
    """Documents are parsed with orjson where it is installed (a dependency of the wheel) and
    with json.loads where it is not: the dicts, the collector's state and the order of the
    documents are the same either way."""
    import gc

    paths = [str(ROOT / path) for path in fixture_files()[:12]]
    fast = list(jixiao.extract_many(paths, jobs=2))
    monkeypatch.setattr(jixiao, "_parse", json.loads)
    assert list(jixiao.extract_many(paths, jobs=2)) == fast
    assert jixiao.extract(paths[0]) == fast[0]
    assert gc.isenabled()
    gc.disable()
    try:
        jixiao.extract(paths[0])
        assert not gc.isenabled()  # a collector the caller paused stays paused
    finally:
        gc.enable()
