//! The built binary as a data team uses it on an archive: input selection (symbolic links,
//! stray files, globs, path lists, zip archives of documents), exit codes, mirrored and
//! resumable `--out-dir`, CSV escaping and the xlsx workbook.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{repo_root, run_jixiao, temp_tree};

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

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("fixtures").join(path)).expect("a fixture")
}

fn paths_of(documents: &[Value]) -> Vec<String> {
    documents
        .iter()
        .map(|d| d["source"]["path"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A zip archive of `(name, bytes)` entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut writer = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            writer.start_file(*name, options).expect("an entry");
            writer.write_all(bytes).expect("entry bytes");
        }
        writer.finish().expect("the archive");
    }
    out.into_inner()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// Stray files in a folder (an image, a settings file, random bytes, an archive of images) are
/// listed as skipped instead of failing, and the run exits 0; named directly, such a file is
/// read and fails visibly.
#[test]
fn stray_files_in_folders_are_skipped_and_listed() {
    let docx = fixture("docx/000_5951d4f30969a9c2.docx");
    let pictures = zip_of(&[("a.png", PNG)]);
    let dir = temp_tree(&[
        ("in/表.docx", &docx),
        ("in/logo.png", PNG),
        ("in/desktop.ini", b"[.ShellClassInfo]\r\nIconResource=x\r\n"),
        ("in/blob", &[0x13, 0x37, 0x00, 0xff, 0x10, 0x00, 0x01]),
        ("in/pictures.zip", &pictures),
    ]);
    let output = run_jixiao(dir.path(), &["extract", "in"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    assert_eq!(paths_of(&documents), ["in/表.docx"]);
    assert_eq!(documents[0]["status"], "ok");
    let summary = stderr(&output);
    assert!(summary.contains("4 files skipped"), "{summary}");
    for name in [
        "in/logo.png",
        "in/desktop.ini",
        "in/blob",
        "in/pictures.zip/a.png",
    ] {
        assert!(
            summary.contains(&format!("skipped {name}: ")),
            "{name}: {summary}"
        );
    }

    let output = run_jixiao(dir.path(), &["extract", "in/logo.png"], b"");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("a document");
    assert_eq!(document["status"], "failed");
}

/// A folder of symbolic links: skipped (and said so) without -L, read with -L; a link named
/// directly is always followed; a link that loops back does not make the walk loop.
#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_with_dash_l() {
    use std::os::unix::fs::symlink;
    let docx = fixture("docx/000_5951d4f30969a9c2.docx");
    let text = fixture("text/003_f17e630e396b42a6.txt");
    let dir = temp_tree(&[("store/a.docx", &docx), ("store/sub/b.txt", &text)]);
    std::fs::create_dir_all(dir.path().join("links")).expect("a folder");
    symlink(
        dir.path().join("store/a.docx"),
        dir.path().join("links/a.docx"),
    )
    .expect("link");
    symlink(dir.path().join("store/sub"), dir.path().join("links/sub")).expect("link");
    symlink(dir.path().join("links"), dir.path().join("links/sub-loop")).expect("link");

    let output = run_jixiao(dir.path(), &["extract", "links"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(message.contains("no documents found"), "{message}");
    assert!(message.contains("-L follows links"), "{message}");

    let output = run_jixiao(dir.path(), &["extract", "links", "-L"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    assert_eq!(paths_of(&documents), ["links/a.docx", "links/sub/b.txt"]);
    assert!(
        documents.iter().all(|d| d["status"] == "ok"),
        "{documents:?}"
    );

    let output = run_jixiao(dir.path(), &["extract", "links/a.docx"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("a document");
    assert_eq!(document["status"], "ok");
}

/// A zip archive of documents is read entry by entry as a folder; `--out-dir` mirrors it under
/// a folder named after the archive; an entry over `--max-inflate` fails alone.
#[test]
fn a_zip_of_documents_is_read_as_a_folder() {
    // 32,516 bytes, more than the 28,492 of the text seed: --max-inflate 30K tells them apart.
    let docx = fixture("docx/001_7ba444aee7ec495e.docx");
    let text = fixture("text/003_f17e630e396b42a6.txt");
    let archive = zip_of(&[
        ("2021/表.docx", &docx),
        ("2022/seed.txt", &text),
        ("2022/logo.png", PNG),
        ("__MACOSX/2021/._表.docx", b"resource fork"),
    ]);
    let dir = temp_tree(&[("in/docs.zip", &archive)]);
    let output = run_jixiao(dir.path(), &["extract", "in"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    assert_eq!(
        paths_of(&documents),
        ["in/docs.zip/2021/表.docx", "in/docs.zip/2022/seed.txt"]
    );
    assert_eq!(documents[0]["source"]["format"], "docx");
    assert_ne!(documents[0]["status"], "failed", "{}", documents[0]);
    assert_eq!(documents[1]["status"], "ok");
    assert!(
        documents[0]["tables"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(stderr(&output).contains("skipped in/docs.zip/2022/logo.png"));

    // Given directly, the archive is a folder too, and --out-dir mirrors its entries.
    let output = run_jixiao(
        dir.path(),
        &["extract", "in/docs.zip", "--out-dir", "out", "-q"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for (file, path) in [
        ("out/docs.zip/2021/表.json", "in/docs.zip/2021/表.docx"),
        ("out/docs.zip/2022/seed.json", "in/docs.zip/2022/seed.txt"),
    ] {
        let text = std::fs::read_to_string(dir.path().join(file)).expect(file);
        let document: Value = serde_json::from_str(&text).expect("a document");
        assert_eq!(document["source"]["path"], path);
    }

    let output = run_jixiao(
        dir.path(),
        // The text cap is an eighth of the inflation limit: 300 KiB keeps the 28 KB seed in.
        &["extract", "in/docs.zip", "--max-inflate", "300K"],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    let statuses: Vec<(&str, &str)> = documents
        .iter()
        .map(|d| {
            (
                d["status"].as_str().unwrap_or_default(),
                d["error"]["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // The docx entry inflates past 300 KiB; the text seed does not.
    assert_eq!(
        statuses,
        [("failed", "too_large"), ("ok", "")],
        "{documents:?}"
    );
    assert!(
        documents[0]["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("--max-inflate")),
        "{}",
        documents[0]
    );
}

/// `--glob` keeps matching files, `--exclude` drops files and whole folders, `--files-from`
/// reads paths (NUL-separated with -0) from a file or standard input.
#[test]
fn globs_excludes_and_path_lists_choose_the_inputs() {
    let text = fixture("text/003_f17e630e396b42a6.txt");
    let dir = temp_tree(&[
        ("in/2021/a.txt", &text),
        ("in/2022/b.txt", &text),
        ("in/drafts/c.txt", &text),
        ("in/d-2021.txt", &text),
    ]);
    let run = |args: &[&str], stdin: &[u8]| {
        let output = run_jixiao(dir.path(), args, stdin);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        paths_of(&json_lines(&stdout(&output)))
    };
    assert_eq!(
        run(&["extract", "in", "-g", "*2021*", "-f", "jsonl"], b""),
        ["in/2021/a.txt", "in/d-2021.txt"]
    );
    assert_eq!(
        run(
            &["extract", "in", "--exclude", "drafts", "--exclude", "d-*"],
            b""
        ),
        ["in/2021/a.txt", "in/2022/b.txt"]
    );
    std::fs::write(dir.path().join("list.txt"), "in/2022/b.txt\n\nin/drafts\n").expect("list");
    assert_eq!(
        run(&["extract", "--files-from", "list.txt"], b""),
        ["in/2022/b.txt", "in/drafts/c.txt"]
    );
    assert_eq!(
        run(
            &["extract", "--files-from", "-", "-0"],
            b"in/2021/a.txt\0in/d-2021.txt\0"
        ),
        ["in/2021/a.txt", "in/d-2021.txt"]
    );
}

/// Each outcome has its exit status: 0 when every input was read (an input without a table
/// is `empty`, counted apart, and still 0), 1 when one could not be read, 2 for usage, 3 when
/// the output cannot be written. The summary counts each error code.
#[test]
fn exit_status_separates_the_outcomes() {
    let docx = fixture("docx/000_5951d4f30969a9c2.docx");
    let dir = temp_tree(&[
        ("in/a.docx", &docx),
        (
            "in/minutes.txt",
            "会议纪要\n今天讨论了年度工作安排。\n".as_bytes(),
        ),
        ("bad/broken.pdf", b"%PDF-1.4 broken"),
        ("bad/x.docx", &docx),
        ("a-file", b"not a folder"),
    ]);
    let output = run_jixiao(dir.path(), &["extract", "in"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    assert_eq!(documents[1]["status"], "empty");
    assert_eq!(documents[1]["error"]["code"], "no_tables");
    assert_eq!(documents[1]["tables"], serde_json::json!([]));
    let summary = stderr(&output);
    assert!(
        summary.contains("2 files: 1 ok, 0 partial, 1 empty, 0 failed"),
        "{summary}"
    );
    assert!(summary.contains("error codes: 1 no_tables"), "{summary}");

    let output = run_jixiao(dir.path(), &["extract", "in", "bad", "missing.doc"], b"");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let summary = stderr(&output);
    assert!(summary.contains("1 empty, 2 failed"), "{summary}");
    assert!(
        summary.contains("error codes: 1 no_tables, 2 unreadable"),
        "{summary}"
    );

    for args in [
        &["extract", "in", "--resume"][..],
        &["extract", "in", "-g", "a["],
        &["extract", "-0", "in"],
    ] {
        let output = run_jixiao(dir.path(), args, b"");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }

    for args in [
        &["extract", "in", "-o", "no/such/folder/out.jsonl"][..],
        &["extract", "in", "--out-dir", "a-file/json"],
        &[
            "extract",
            "in",
            "--format",
            "xlsx",
            "-o",
            "no/such/out.xlsx",
        ],
    ] {
        let output = run_jixiao(dir.path(), args, b"");
        assert_eq!(
            output.status.code(),
            Some(3),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("cannot"), "{}", stderr(&output));
    }
}

/// Every output file is complete or absent: `-o` is written under a temporary name and
/// renamed at the end, so a failed run leaves nothing behind but its earlier output.
#[test]
fn dash_o_replaces_its_file_only_when_complete() {
    let text = fixture("text/003_f17e630e396b42a6.txt");
    let dir = temp_tree(&[("in/a.txt", &text), ("out.jsonl", b"earlier output\n")]);
    let output = run_jixiao(dir.path(), &["extract", "in", "-o", "out.jsonl"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).expect("output");
    assert_eq!(json_lines(&written).len(), 1);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        names.iter().all(|name| !name.ends_with(".tmp")),
        "no temporary file is left: {names:?}"
    );
}

/// `-o` naming a pipe or a device (`-o /dev/null`) writes into it: a temporary file renamed over
/// it would replace the device with a plain file. Tested on a FIFO of the test's own.
#[test]
fn dash_o_writes_into_a_pipe_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let text = fixture("text/003_f17e630e396b42a6.txt");
    let dir = temp_tree(&[("in/a.txt", &text)]);
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap_or_default())
    };
    let output = run_jixiao(dir.path(), &["extract", "in", "-o", "pipe"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let read = reader.join().expect("reader");
    assert_eq!(
        json_lines(&read).len(),
        1,
        "the document went through the pipe"
    );
    let kind = std::fs::symlink_metadata(&fifo).expect("pipe").file_type();
    assert!(kind.is_fifo(), "the pipe is still a pipe");
}

/// `--out-dir` mirrors the tree: two `表.docx` in two year folders stay apart.
#[test]
fn out_dir_mirrors_the_input_tree() {
    let docx = fixture("docx/000_5951d4f30969a9c2.docx");
    let dir = temp_tree(&[
        ("archive/2021/表.docx", &docx),
        ("archive/2022/表.docx", &docx),
        (
            "archive/2022/表.txt",
            &fixture("text/003_f17e630e396b42a6.txt"),
        ),
    ]);
    let output = run_jixiao(
        dir.path(),
        &["extract", "archive", "--out-dir", "json"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut found = BTreeSet::new();
    for entry in walk(&dir.path().join("json")) {
        let relative = entry
            .strip_prefix(dir.path().join("json"))
            .expect("under json")
            .to_string_lossy()
            .into_owned();
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&entry).expect("a file")).expect("json");
        found.insert((
            relative,
            document["source"]["path"].as_str().map(str::to_string),
        ));
    }
    let expected: BTreeSet<(String, Option<String>)> = [
        ("2021/表.json", "archive/2021/表.docx"),
        ("2022/表.json", "archive/2022/表.docx"),
        ("2022/表.txt.json", "archive/2022/表.txt"),
    ]
    .into_iter()
    .map(|(file, path)| (file.to_string(), Some(path.to_string())))
    .collect();
    assert_eq!(found, expected);
}

fn walk(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A run killed midway leaves only complete output files; `--resume` then reads only the
/// inputs whose output is missing (or whose bytes changed), and leaves the others untouched.
#[test]
fn resume_after_a_killed_run_redoes_only_the_missing_outputs() {
    const FILES: usize = 200;
    let docx = fixture("docx/001_7ba444aee7ec495e.docx");
    let names: Vec<String> = (0..FILES)
        .map(|index| format!("in/{index:04}.docx"))
        .collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), docx.as_slice()))
        .collect();
    let dir = temp_tree(&files);
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["extract", "in", "--out-dir", "out", "-j", "1", "-q"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the jixiao binary starts");
    let started = Instant::now();
    let count = |folder: &Path| {
        std::fs::read_dir(folder)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|entry| entry.file_name().to_string_lossy().ends_with(".json"))
                    .count()
            })
            .unwrap_or(0)
    };
    while count(&out) < 5 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("the run is killed");
    child.wait().expect("the run ends");

    let before: Vec<_> = walk(&out);
    assert!(
        before.len() >= 5 && before.len() < FILES,
        "the kill came midway: {} of {FILES} written",
        before.len()
    );
    // Every file under its final name is whole.
    let mut stamps = Vec::new();
    for path in &before {
        if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            let mut text = String::new();
            std::fs::File::open(path)
                .and_then(|mut file| file.read_to_string(&mut text))
                .expect("readable");
            let document: Value = serde_json::from_str(&text).expect("a whole document");
            assert_eq!(document["status"], "ok");
            let modified = std::fs::metadata(path)
                .and_then(|metadata| metadata.modified())
                .expect("a time");
            stamps.push((path.clone(), modified));
        }
    }
    // One finished input changes: it must be read again.
    let (changed_output, _) = stamps[0].clone();
    let changed_input = dir.path().join("in").join(
        changed_output
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .replace(".json", ".docx"),
    );
    std::fs::write(&changed_input, fixture("docx/003_f17e630e396b42a6.docx")).expect("rewrite");
    std::thread::sleep(Duration::from_millis(20));

    let output = run_jixiao(
        dir.path(),
        &["extract", "in", "--out-dir", "out", "--resume"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = stderr(&output);
    let done = stamps.len() - 1;
    assert!(
        summary.contains(&format!("{done} already done (--resume)")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("{} ok", FILES - done)),
        "{summary}"
    );
    let after: Vec<_> = walk(&out)
        .into_iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    assert_eq!(after.len(), FILES);
    for (path, modified) in &stamps[1..] {
        let now = std::fs::metadata(path)
            .and_then(|metadata| metadata.modified())
            .expect("a time");
        assert_eq!(now, *modified, "{} was rewritten", path.display());
    }
    let rewritten: Value = serde_json::from_str(
        &std::fs::read_to_string(&changed_output).expect("the changed input's output"),
    )
    .expect("json");
    let expected = jixiao::sha256_hex(&std::fs::read(&changed_input).expect("input"));
    assert_eq!(rewritten["source"]["sha256"], expected.as_str());
}

/// CSV cells that a spreadsheet would run as formulas are escaped, and read back by a CSV
/// parser with every column of the row definition.
#[test]
fn csv_escapes_formula_cells_and_carries_the_table_fields() {
    let seed = String::from_utf8(fixture("text/000_5951d4f30969a9c2.txt")).expect("UTF-8");
    let edited = seed
        .replacen("≤100优", "=100%", 1)
        .replacen("≤100优", "@SUM(1)", 1);
    let dir = temp_tree(&[("in/000.txt", edited.as_bytes())]);
    let output = run_jixiao(
        dir.path(),
        &["extract", "in", "--format", "csv", "-o", "out.csv"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bytes = std::fs::read(dir.path().join("out.csv")).expect("the CSV");
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM");
    let mut reader = csv::Reader::from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    let expected: Vec<&str> = jixiao_output::INDICATOR_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(header, expected);
    let column = |name: &str| header.iter().position(|c| c == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert!(rows.len() > 50, "{}", rows.len());
    let raws: Vec<&str> = rows.iter().map(|row| &row[column("raw")]).collect();
    assert!(raws.contains(&"'=100%"), "{raws:?}");
    assert!(raws.contains(&"'@SUM(1)"), "{raws:?}");
    assert!(
        rows.iter().all(|row| !row
            .iter()
            .any(|cell| cell.starts_with(['=', '+', '-', '@']))),
        "no cell starts like a formula"
    );
    let first = &rows[0];
    assert_eq!(&first[column("status")], "ok");
    assert_eq!(&first[column("table_kind")], "project");
    assert!(!first[column("project_name")].is_empty());
    assert_eq!(&first[column("budget_unit")], "万元");
    assert!(first[column("budget_total")].parse::<f64>().is_ok());
    let graded = rows
        .iter()
        .find(|row| &row[column("raw")] == "≤100优")
        .expect("a graded value");
    assert_eq!(&graded[column("value_kind")], "number");
    assert_eq!(&graded[column("op")], "<=");
    assert_eq!(&graded[column("number")], "100");
    assert_eq!(&graded[column("grade")], "优");
}

/// `--format xlsx` writes a workbook whose three sheets read back with calamine: one row per
/// document, per table and per indicator, numbers as numbers, with frozen headers and filters.
#[test]
fn xlsx_reads_back_with_calamine() {
    use calamine::{Data, Reader, Xlsx};
    let dir = temp_tree(&[
        ("in/a.docx", &fixture("docx/000_5951d4f30969a9c2.docx")),
        ("in/b.txt", &fixture("text/003_f17e630e396b42a6.txt")),
        (
            "in/c.txt",
            "会议纪要\n今天讨论了年度工作安排。\n".as_bytes(),
        ),
    ]);
    let output = run_jixiao(dir.path(), &["extract", "in", "-o", "all.jsonl"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let documents =
        json_lines(&std::fs::read_to_string(dir.path().join("all.jsonl")).expect("jsonl"));
    let tables: usize = documents
        .iter()
        .map(|d| d["tables"].as_array().map_or(0, Vec::len))
        .sum();
    let indicators: usize = documents
        .iter()
        .flat_map(|d| d["tables"].as_array().cloned().unwrap_or_default())
        .map(|t| t["indicators"].as_array().map_or(0, Vec::len))
        .sum();

    let output = run_jixiao(
        dir.path(),
        &["extract", "in", "--format", "xlsx", "-o", "all.xlsx"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let path = dir.path().join("all.xlsx");
    let mut workbook: Xlsx<_> = calamine::open_workbook(&path).expect("an xlsx workbook");
    assert_eq!(
        workbook.sheet_names(),
        ["Documents", "Tables", "Indicators"]
    );

    let sheet = workbook.worksheet_range("Documents").expect("Documents");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 1 + documents.len());
    assert_eq!(rows[0][0], Data::String("path".into()));
    assert_eq!(rows[3][4], Data::String("empty".into()));
    assert_eq!(rows[3][5], Data::String("no_tables".into()));

    let sheet = workbook.worksheet_range("Tables").expect("Tables");
    assert_eq!(sheet.rows().count(), 1 + tables);

    let sheet = workbook.worksheet_range("Indicators").expect("Indicators");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    // One row per indicator, and one for the empty document.
    assert_eq!(rows.len(), 1 + indicators + 1);
    let header: Vec<String> = rows[0].iter().map(|cell| cell.to_string()).collect();
    let expected: Vec<&str> = jixiao_output::INDICATOR_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(header, expected);
    let number = header.iter().position(|c| c == "number").expect("number");
    assert!(
        rows[1..]
            .iter()
            .any(|row| matches!(row[number], Data::Float(_))),
        "numbers are number cells"
    );

    // Frozen header row and filters, as written in the sheets' XML.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).expect("file")).expect("zip");
    for index in 1..=3 {
        let mut xml = String::new();
        archive
            .by_name(&format!("xl/worksheets/sheet{index}.xml"))
            .expect("a sheet")
            .read_to_string(&mut xml)
            .expect("xml");
        assert!(
            xml.contains(r#"ySplit="1""#),
            "sheet {index}: frozen header"
        );
        assert!(xml.contains("<autoFilter "), "sheet {index}: filters");
    }
}

/// Values: a deadline keeps its month and day, spending-plan amounts are parsed, value labels
/// are normalised with the raw label kept, and every document names its generator.
#[test]
fn values_keep_deadlines_plans_and_labels() {
    let dir = temp_tree(&[("003.txt", &fixture("text/003_f17e630e396b42a6.txt"))]);
    let output = run_jixiao(dir.path(), &["extract", "003.txt"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("a document");
    assert_eq!(
        document["generator"],
        format!("jixiao {}", env!("CARGO_PKG_VERSION"))
    );
    let values: Vec<&Value> = document["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .flat_map(|t| t["indicators"].as_array().expect("indicators"))
        .flat_map(|i| i["values"].as_array().expect("values"))
        .collect();
    let deadline = values
        .iter()
        .find(|v| v["raw"] == "6月底前完成")
        .expect("a 6月底前完成 value");
    assert_eq!(deadline["parsed"]["kind"], "deadline");
    let date = deadline["parsed"]["date"].as_str().expect("a date");
    assert!(date.ends_with("-06-30"), "{deadline}");
    let labels: BTreeSet<(&str, &str)> = values
        .iter()
        .map(|v| {
            (
                v["label"].as_str().unwrap_or_default(),
                v["label_raw"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        labels.contains(&("全年指标值", "全年(程)指标值")),
        "{labels:?}"
    );
    assert!(
        labels.contains(&("半年指标值", "半年(程)指标值")),
        "{labels:?}"
    );
    let plans: Vec<&Value> = document["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .flat_map(|t| t["spending_plan"].as_array().expect("a plan"))
        .collect();
    if let Some(item) = plans
        .iter()
        .find(|item| !item["raw"].as_str().unwrap_or("").is_empty())
    {
        assert!(item["parsed"].is_object(), "{item}");
    }
}

/// Shell completions and the manual page come from the command line's own definition.
#[test]
fn completions_and_manual_page_are_generated() {
    let dir = temp_tree(&[]);
    for shell in ["bash", "zsh", "fish"] {
        let output = run_jixiao(dir.path(), &["completions", shell], b"");
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout(&output);
        assert!(script.contains("files-from"), "{shell}: {script}");
    }
    let output = run_jixiao(dir.path(), &["manpage"], b"");
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie") || page.contains(".TH jixiao"),
        "{page}"
    );
}

/// RTF (under `.rtf`, or under no known extension) and Kingsoft `.wps` files in a folder are
/// documents, read like the rest: the reader knows them, so the folder walk must too.
#[test]
fn rtf_and_wps_files_in_folders_are_read() {
    let rtf = fixture("rtf/000_5951d4f30969a9c2.rtf");
    let doc = fixture("doc/000_5951d4f30969a9c2.doc");
    let dir = temp_tree(&[
        ("in/a.rtf", &rtf),
        ("in/b-exported", &rtf),
        ("in/c.wps", &doc),
    ]);
    let output = run_jixiao(dir.path(), &["extract", "in"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let documents = json_lines(&stdout(&output));
    assert_eq!(documents.len(), 3, "{}", stderr(&output));
    for document in &documents {
        assert_eq!(document["status"], "ok", "{document}");
        assert!(
            document["tables"]
                .as_array()
                .is_some_and(|tables| !tables.is_empty()),
            "{document}"
        );
    }
    assert!(!stderr(&output).contains("skipped"), "{}", stderr(&output));
}
