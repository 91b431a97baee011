//! Every fixture, read: the grids each reader gives for each file under `fixtures/`, drawn by
//! `Grid::render`, compared with the snapshot beside the other snapshots
//! (`tests/snapshots/<fixture path>.grids.txt`). A reader change that moves one cell shows
//! here as a diff of drawings.
//!
//! Re-bless after a deliberate change with `UPDATE_SNAPSHOTS=1 cargo test -p jixiao-read --test
//! snapshots`, and review the diff of the snapshot files before committing them.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use jixiao_read::grid::Document;
use jixiao_read::{Limits, ReadError, detect, read};

/// Folders of `fixtures/` that hold expected outputs, not inputs.
const NOT_INPUTS: [&str; 1] = ["gold"];
/// Files inside the fixture folders that are notes, not inputs.
const NOT_INPUT_EXTENSIONS: [&str; 3] = ["md", "json", "txt.license"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every input file under `dir`, sorted.
fn inputs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("fixture folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if !NOT_INPUTS.contains(&name.as_str()) {
                inputs(&path, out);
            }
        } else if name != "LICENSE"
            && !NOT_INPUT_EXTENSIONS
                .iter()
                .any(|ext| name.ends_with(&format!(".{ext}")))
        {
            out.push(path);
        }
    }
}

/// What a reader made of one file: each grid drawn under a line naming it, or the error.
fn drawing(result: &Result<Document, ReadError>) -> String {
    let document = match result {
        Ok(document) => document,
        Err(error) => return format!("error {}: {error}\n", error.code()),
    };
    let mut out = String::new();
    for (index, grid) in document.grids().enumerate() {
        let location = &grid.location;
        let _ = write!(out, "== grid {index}");
        if let Some(sheet) = &location.sheet {
            let _ = write!(out, " sheet {sheet}");
        }
        if let Some(page) = location.page {
            let _ = write!(out, " page {page}");
        }
        if let Some(line) = location.line {
            let _ = write!(out, " line {line}");
        }
        let _ = writeln!(out, " ({} × {})", grid.rows(), grid.cols());
        out.push_str(&grid.render());
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    if out.is_empty() {
        out.push_str("no grids\n");
    }
    out
}

#[test]
fn every_fixture_reads_as_its_snapshot() {
    let root = repo_root();
    let fixtures = root.join("fixtures");
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|value| value == "1");
    let mut files = Vec::new();
    inputs(&fixtures, &mut files);
    assert!(
        files.len() > 50,
        "fixtures not found under {}",
        fixtures.display()
    );
    let mut failures = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&fixtures).expect("under fixtures");
        let bytes = fs::read(path).expect("fixture");
        let extension = path
            .extension()
            .map(|ext| ext.to_string_lossy().into_owned());
        let format = detect(&bytes, extension.as_deref());
        let drawn = drawing(&read(
            format,
            &bytes,
            extension.as_deref(),
            &Limits::default(),
        ));
        let snapshot = snapshots.join(format!("{}.grids.txt", relative.display()));
        if update {
            fs::create_dir_all(snapshot.parent().expect("a folder")).expect("snapshot folder");
            fs::write(&snapshot, &drawn).expect("snapshot written");
            continue;
        }
        match fs::read_to_string(&snapshot) {
            Ok(expected) if expected == drawn => {}
            Ok(expected) => {
                let line = expected
                    .lines()
                    .zip(drawn.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(expected.lines().count().min(drawn.lines().count()));
                failures.push(format!(
                    "{}: differs from its snapshot from line {} on",
                    relative.display(),
                    line + 1
                ));
            }
            Err(_) => failures.push(format!("{}: no snapshot", relative.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ from their snapshots (UPDATE_SNAPSHOTS=1 re-blesses):\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
