//! The built binary: output modes, stdin, exit codes, `schema`, `inspect`.

use serde_json::Value;

use crate::util::{SPEC_ERROR_CODES, repo_root, run_jixiao, temp_tree};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("one JSON document per line"))
        .collect()
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let dir = temp_tree(&[]);
    let output = run_jixiao(dir.path(), &["schema"], b"");
    assert!(output.status.success());
    let checked_in = std::fs::read_to_string(repo_root().join("schemas/document.schema.json"))
        .expect("the schema file");
    assert_eq!(stdout(&output), checked_in);
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = temp_tree(&[]);
    for args in [
        &["extract"][..],
        &["frobnicate"],
        &["extract", "x", "--format", "xml"],
        &["extract", "x", "--max-input", "lots"],
        &["extract", "x", "-o", "a", "--out-dir", "b"],
        &["extract", "x", "--out-dir", "b", "--format", "csv"],
    ] {
        let output = run_jixiao(dir.path(), args, b"");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_single_missing_file_gives_a_pretty_failed_document_and_exit_1() {
    let dir = temp_tree(&[]);
    let output = run_jixiao(dir.path(), &["extract", "gone.docx"], b"");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("{\n  \"schema_version\": \"1\""), "{text}");
    let document: Value = serde_json::from_str(&text).expect("one JSON document");
    assert_eq!(document["source"]["path"], "gone.docx");
    assert_eq!(document["status"], "failed");
    assert_eq!(document["error"]["code"], "unreadable");
    assert!(stderr(&output).contains("gone.docx: unreadable: cannot read gone.docx: no such file"));
}

/// Bad inputs fail with the SPEC code that says what is wrong while the inputs around them are
/// still written, in sorted order: an empty file is `unreadable`, binary data under a text
/// name is `unsupported_format`, and a page with no table is `empty` with `no_tables`, as is
/// plain text under a `.docx` name (read by its content, with a `mislabelled` warning).
#[test]
fn a_folder_gives_json_lines_in_sorted_order_and_failures_do_not_stop_it() {
    let dir = temp_tree(&[
        ("in/b-binary.txt", b"\x00\x01\x02\xff\xfe\x00PK\x03\x04"),
        ("in/a-empty.txt", b""),
        (
            "in/sub/c.html",
            b"<html><body><p>no table here</p></body></html>",
        ),
        ("in/d.docx", b"not really a docx"),
    ]);
    let output = run_jixiao(dir.path(), &["extract", "in", "-j", "2"], b"");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    let paths: Vec<&str> = documents
        .iter()
        .map(|d| d["source"]["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        paths,
        [
            "in/a-empty.txt",
            "in/b-binary.txt",
            "in/d.docx",
            "in/sub/c.html"
        ]
    );
    let codes: Vec<(&str, &str)> = documents
        .iter()
        .map(|document| {
            let code = document["error"]["code"].as_str().unwrap_or_default();
            assert!(SPEC_ERROR_CODES.contains(&code), "{document}");
            (document["status"].as_str().unwrap_or_default(), code)
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("failed", "unreadable"),
            ("failed", "unsupported_format"),
            ("empty", "no_tables"),
            ("empty", "no_tables")
        ]
    );
    // Text under a `.docx` name is read as the text it is, and the user is told.
    assert_eq!(
        documents[2]["warnings"][0]["code"], "mislabelled",
        "{}",
        documents[2]
    );
    assert_eq!(documents[0]["source"]["bytes"], 0);
    assert_eq!(
        documents[0]["source"]["sha256"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let summary = stderr(&output);
    assert!(
        summary.contains("4 files: 0 ok, 0 partial, 2 empty, 2 failed"),
        "{summary}"
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let dir = temp_tree(&[]);
    let output = run_jixiao(dir.path(), &["extract", "-", "--format", "jsonl"], b"");
    assert_eq!(output.status.code(), Some(1));
    let documents = json_lines(&stdout(&output));
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0]["source"]["path"], "-");
    assert_eq!(documents[0]["source"]["bytes"], 0);
    assert_eq!(documents[0]["status"], "failed");
}

#[test]
fn stdin_over_the_size_limit_is_refused() {
    let dir = temp_tree(&[]);
    let output = run_jixiao(
        dir.path(),
        &["extract", "-", "--max-input", "1K"],
        &[b'a'; 3000],
    );
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("a document");
    assert_eq!(document["error"]["code"], "too_large");
    assert_eq!(
        document["source"]["bytes"], 1025,
        "reading stops just past the limit"
    );
}

#[test]
fn limit_flags_reach_the_pipeline() {
    let dir = temp_tree(&[("a.txt", &[b'a'; 2048])]);
    let output = run_jixiao(dir.path(), &["extract", "a.txt", "--max-input", "1K"], b"");
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("a document");
    assert_eq!(document["error"]["code"], "too_large");
    assert_eq!(document["source"]["bytes"], 2048);
    assert!(
        document["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("1 KiB") && m.contains("--max-input")),
        "{document}"
    );
}

#[test]
fn json_format_with_several_inputs_is_an_array() {
    let dir = temp_tree(&[("a.txt", b""), ("b.txt", b"")]);
    let output = run_jixiao(
        dir.path(),
        &["extract", "b.txt", "a.txt", "--format", "json", "-q"],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    let documents: Value = serde_json::from_str(&stdout(&output)).expect("a JSON array");
    let paths: Vec<&str> = documents
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| d["source"]["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(paths, ["a.txt", "b.txt"]);
    assert!(output.stderr.is_empty(), "--quiet: {}", stderr(&output));
}

#[test]
fn csv_output_goes_to_a_file_with_bom_and_one_header() {
    let dir = temp_tree(&[("a.txt", b""), ("b.pdf", b"%PDF-1.4 broken")]);
    let output = run_jixiao(
        dir.path(),
        &[
            "extract", "a.txt", "b.pdf", "--format", "csv", "-o", "out.csv",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let bytes = std::fs::read(dir.path().join("out.csv")).expect("the CSV file");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFpath,format,sha256,status,error_code,error_message,table,")
    );
    let text = String::from_utf8(bytes).expect("UTF-8");
    let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("a.txt,text,"), "{text}");
    assert!(lines[1].contains(",failed,unreadable,"), "{text}");
    assert!(lines[2].starts_with("b.pdf,pdf,"), "{text}");
    assert!(lines[2].contains(",failed,"), "{text}");
}

#[test]
fn out_dir_mirrors_folders_and_gives_distinct_names() {
    let dir = temp_tree(&[
        ("in/x.docx", b"a"),
        ("in/x.pdf", b"b"),
        ("in/more/x.pdf", b"c"),
    ]);
    let output = run_jixiao(dir.path(), &["extract", "in", "--out-dir", "out/json"], b"");
    // One-letter files are read as text without a table: `empty`, so the run exits 0.
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(dir.path().join("out/json").join(name))
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        serde_json::from_str(&text).expect("a document")
    };
    // Sorted inputs: in/more/x.pdf, in/x.docx, in/x.pdf; each keeps its folder.
    assert_eq!(read("more/x.json")["source"]["path"], "in/more/x.pdf");
    assert_eq!(read("x.json")["source"]["path"], "in/x.docx");
    assert_eq!(read("x.pdf.json")["source"]["path"], "in/x.pdf");
    let count = std::fs::read_dir(dir.path().join("out/json"))
        .expect("the folder")
        .count();
    assert_eq!(count, 3);
}

#[test]
fn inspect_reports_a_read_error_with_exit_1() {
    let dir = temp_tree(&[("scan.pdf", b"%PDF-1.4 nothing")]);
    let output = run_jixiao(dir.path(), &["inspect", "missing.docx"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("missing.docx: unreadable:"),
        "{}",
        stderr(&output)
    );
    let output = run_jixiao(dir.path(), &["inspect", "scan.pdf"], b"");
    if output.status.success() {
        assert!(stdout(&output).contains("format:   pdf"));
    } else {
        assert_eq!(output.status.code(), Some(1));
        let text = stderr(&output);
        assert!(text.starts_with("jixiao: scan.pdf: "), "{text}");
        assert!(text.contains("(read as pdf)"), "{text}");
    }
}

#[test]
fn help_documents_the_commands_and_limits() {
    let dir = temp_tree(&[]);
    let output = run_jixiao(dir.path(), &["extract", "--help"], b"");
    assert!(output.status.success());
    let help = stdout(&output);
    for flag in [
        "--format",
        "--out-dir",
        "--jobs",
        "--max-input",
        "--max-inflate",
        "--max-depth",
        "--max-pages",
        "--max-cells",
        "--timeout",
        "Exit status",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

#[test]
fn help_defaults_match_the_real_limits() {
    let limits = jixiao_read::Limits::default();
    let dir = temp_tree(&[]);
    let help = stdout(&run_jixiao(dir.path(), &["extract", "--help"], b""));
    let mib = |bytes: u64| format!("[default: {}M]", bytes >> 20);
    assert!(help.contains(&mib(limits.max_input_bytes)), "{help}");
    assert!(help.contains(&mib(limits.max_inflate_entry)), "{help}");
    assert_eq!(limits.max_inflate_total, 2 * limits.max_inflate_entry);
    let depth = format!(
        "[default: {} XML, {} HTML, {} PDF]",
        limits.max_xml_depth, limits.max_html_depth, limits.max_pdf_depth
    );
    assert!(help.contains(&depth), "{help}");
    assert!(
        help.contains(&format!("[default: {}]", limits.max_pdf_pages)),
        "{help}"
    );
    assert!(
        help.contains(&format!("[default: {}]", limits.max_cells)),
        "{help}"
    );
    let timeout = limits.timeout.map_or(0, |timeout| timeout.as_secs());
    assert!(help.contains(&format!("[default: {timeout}]")), "{help}");
}

/// A readable text with no performance target table is `empty` with `no_tables`, and the run
/// exits 0: every input was read.
#[test]
fn text_without_a_performance_table_is_no_tables() {
    let seed = std::fs::read(repo_root().join("fixtures/text/003_f17e630e396b42a6.txt"))
        .expect("seed 003");
    let dir = temp_tree(&[
        (
            "in/minutes.txt",
            "会议纪要\n\n今天讨论了年度工作安排。\n".as_bytes(),
        ),
        ("in/seed.txt", &seed),
    ]);
    let output = run_jixiao(dir.path(), &["extract", "in"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["status"], "empty");
    assert_eq!(documents[0]["error"]["code"], "no_tables");
    let message = documents[0]["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(!message.is_empty(), "{}", documents[0]);
    assert_eq!(documents[1]["status"], "ok");
    assert_eq!(documents[1]["tables"].as_array().map(Vec::len), Some(8));
}

/// `jixiao inspect` draws a docx's grids with their spans: the merged 产出指标 cell of the
/// first table covers its four rows.
#[test]
fn inspect_shows_a_docx_merged_cell_spanning_its_rows() {
    let dir = temp_tree(&[]);
    let docx = repo_root().join("fixtures/docx/000_5951d4f30969a9c2.docx");
    let path = docx.to_string_lossy();
    let output = run_jixiao(dir.path(), &["inspect", &path], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let drawing = stdout(&output);
    assert!(drawing.contains("format:   docx"), "{drawing}");
    assert!(drawing.contains("产出指标 [4×1]"), "{drawing}");
    assert!(
        drawing.contains("r8c0 产出指标 → rows 8–11, columns 0–0"),
        "{drawing}"
    );
    let below: Vec<&str> = drawing
        .lines()
        .filter(|line| {
            line.starts_with("r9 ") || line.starts_with("r10 ") || line.starts_with("r11 ")
        })
        .take(3)
        .collect();
    assert_eq!(below.len(), 3, "{drawing}");
    for line in below {
        assert!(line.contains('↑'), "{line}");
    }
}
