//! `--doc-converter soffice`: the LibreOffice fallback for the .doc files the native reader
//! refuses, run through the built binary with a stand-in `soffice` on PATH (a script that
//! "converts" by copying a docx fixture), so the plumbing is tested where LibreOffice is absent.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{repo_root, temp_tree_of};

/// A .doc fixture whose file information block claims Word 95 (nFib 104).
fn word95() -> Vec<u8> {
    let mut bytes =
        std::fs::read(repo_root().join("fixtures/doc/000_5951d4f30969a9c2.doc")).expect("fixture");
    let fib = (512..bytes.len())
        .step_by(512)
        .find(|&at| bytes[at..at + 2] == [0xEC, 0xA5])
        .expect("the WordDocument stream starts on a sector");
    bytes[fib + 2..fib + 4].copy_from_slice(&104u16.to_le_bytes());
    bytes
}

fn run(dir: &Path, path: &str, args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("extract")
        .args(args)
        .arg("old.doc")
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .expect("jixiao runs");
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

#[cfg(unix)]
#[test]
fn refused_doc_files_go_to_libreoffice_only_when_asked() {
    use std::os::unix::fs::PermissionsExt;
    let docx = repo_root().join("fixtures/docx/000_5951d4f30969a9c2.docx");
    let script = format!(
        "#!/bin/sh\n# stand-in for soffice: copies a docx to <outdir>/input.docx\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --outdir ]; then out=\"$2\"; fi\n  shift\ndone\nmkdir -p \"$out\"\ncp '{}' \"$out/input.docx\"\n",
        docx.display()
    );
    let dir = temp_tree_of(&[
        ("old.doc".to_string(), word95()),
        ("bin/soffice".to_string(), script.into_bytes()),
    ]);
    let program = dir.path().join("bin/soffice");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let with_soffice = format!("{}:/usr/bin:/bin", dir.path().join("bin").display());

    // By default nothing external runs: Word 95 is named and refused.
    let document = run(dir.path(), &with_soffice, &[]);
    assert_eq!(document["status"], "failed");
    assert_eq!(document["error"]["code"], "unsupported_format");
    let message = document["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("Word 95"), "{message}");

    // Asked for: converted, read, and the conversion is a warning.
    let document = run(dir.path(), &with_soffice, &["--doc-converter", "soffice"]);
    assert_eq!(document["status"], "ok", "{document}");
    assert_eq!(document["source"]["format"], "doc");
    assert_eq!(document["tables"].as_array().map(Vec::len), Some(8));
    let warnings = document["warnings"].to_string();
    assert!(warnings.contains("doc_converted"), "{warnings}");
    assert!(warnings.contains("Word 95"), "{warnings}");

    // Asked for with no LibreOffice installed: converter_missing, saying what to install.
    let document = run(dir.path(), "/nonexistent", &["--doc-converter", "soffice"]);
    assert_eq!(document["error"]["code"], "converter_missing");
}
