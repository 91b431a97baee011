//! The checked-in JSON Schema is current, and documents follow it.

use std::path::{Path, PathBuf};

use jixiao_grid::Diagnostic;
use jixiao_output::{Document, ErrorCode, Source};
use serde_json::{Value, json};

use crate::util::{repo_root, rich_extraction};

const SCHEMA_FILE: &str = "schemas/document.schema.json";

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&jixiao_output::schema_json()).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the schema is a valid 2020-12 schema")
}

fn assert_valid(validator: &jsonschema::Validator, document: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// Set `JIXIAO_BLESS=1` to rewrite the file (the same as `make schema`).
#[test]
fn checked_in_schema_is_current() {
    let path = repo_root().join(SCHEMA_FILE);
    let current = jixiao_output::schema_json();
    if std::env::var_os("JIXIAO_BLESS").is_some() {
        std::fs::write(&path, &current).expect("the schema file is writable");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == current,
        "{SCHEMA_FILE} is stale: run `make schema` (or JIXIAO_BLESS=1 cargo test) and commit it"
    );
}

#[test]
fn schema_is_draft_2020_12_and_names_the_contract() {
    let schema: Value = serde_json::from_str(&jixiao_output::schema_json()).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let required = &schema["required"];
    for field in [
        "schema_version",
        "source",
        "status",
        "error",
        "title",
        "tables",
        "warnings",
    ] {
        assert!(
            required
                .as_array()
                .is_some_and(|r| r.contains(&json!(field))),
            "{field}"
        );
    }
    let codes: Vec<&str> = schema["$defs"]["ErrorCode"]["oneOf"]
        .as_array()
        .expect("error codes")
        .iter()
        .filter_map(|code| code["const"].as_str())
        .collect();
    assert_eq!(codes, crate::util::SPEC_ERROR_CODES);
}

#[test]
fn rich_documents_follow_the_schema() {
    let validator = validator();
    let mut source = Source::new("a.txt");
    source.format = Some(jixiao_output::Format::Text);
    source.encoding = Some("gb18030".to_string());
    source.pages = Some(3);
    let reader = vec![Diagnostic::loss("unmapped_glyphs", "lost")];
    let rich = Document::from_extraction(source.clone(), reader, rich_extraction());
    assert_valid(
        &validator,
        &serde_json::to_value(&rich).expect("serialises"),
        "rich",
    );
    for code in ErrorCode::ALL {
        let failed = Document::failed(source.clone(), code, "why", Vec::new());
        assert_valid(
            &validator,
            &serde_json::to_value(&failed).expect("serialises"),
            code.name(),
        );
    }
}

#[test]
fn the_schema_rejects_what_breaks_the_contract() {
    let validator = validator();
    let document = Document::from_extraction(Source::new("a"), Vec::new(), rich_extraction());
    let good = serde_json::to_value(&document).expect("serialises");
    let mut bad_status = good.clone();
    bad_status["status"] = json!("fine");
    assert!(!validator.is_valid(&bad_status));
    let mut bad_op = good.clone();
    bad_op["tables"][0]["indicators"][0]["values"][1]["parsed"]["op"] = json!("≥");
    assert!(!validator.is_valid(&bad_op));
    let mut missing = good.clone();
    missing["tables"][0]["indicators"][0]
        .as_object_mut()
        .expect("an object")
        .remove("level3");
    assert!(!validator.is_valid(&missing));
    let mut bad_version = good.clone();
    bad_version["schema_version"] = json!("2");
    assert!(!validator.is_valid(&bad_version));
    let mut bad_hash = good.clone();
    bad_hash["source"]["sha256"] = json!("ABC");
    assert!(!validator.is_valid(&bad_hash));
    // The status rule: a failed document has an error and no tables, and only it has an error.
    let mut failed_without_error = good.clone();
    failed_without_error["status"] = json!("failed");
    assert!(!validator.is_valid(&failed_without_error));
    let mut ok_with_error = good.clone();
    ok_with_error["error"] = json!({"code": "internal", "message": "x"});
    assert!(!validator.is_valid(&ok_with_error));
    let failed = Document::failed(Source::new("a"), ErrorCode::NoTables, "none", Vec::new());
    let mut failed_with_tables = serde_json::to_value(&failed).expect("serialises");
    failed_with_tables["tables"] = good["tables"].clone();
    assert!(!validator.is_valid(&failed_with_tables));
    assert!(validator.is_valid(&good));
}

/// Every expected output checked in beside a fixture (`fixtures/**/expected/*.json` or
/// `fixtures/**/*.expected.json`) follows the schema: a JSON document, an array of them, or
/// JSON Lines.
#[test]
fn expected_fixture_outputs_follow_the_schema() {
    let validator = validator();
    let mut files = Vec::new();
    collect_expected(&repo_root().join("fixtures"), false, &mut files);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        for document in documents_in(&text, file) {
            assert_valid(&validator, &document, &file.display().to_string());
        }
    }
}

fn collect_expected(folder: &Path, inside_expected: bool, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            collect_expected(&path, inside_expected || name == "expected", files);
        } else if (inside_expected && (name.ends_with(".json") || name.ends_with(".jsonl")))
            || name.ends_with(".expected.json")
            || name.ends_with(".expected.jsonl")
        {
            files.push(path);
        }
    }
}

fn documents_in(text: &str, file: &Path) -> Vec<Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(documents)) => documents,
        Ok(document) => vec![document],
        Err(_) => text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|error| panic!("{}: {error}", file.display()))
            })
            .collect(),
    }
}

/// What jixiao writes for every corpus fixture follows the schema: real documents, with real
/// tables, warnings and parsed values, not only hand-built ones. (`.doc` files are left out:
/// they become docx documents through LibreOffice and would only slow the test.)
#[test]
fn every_fixture_output_follows_the_schema() {
    let validator = validator();
    let mut checked = 0;
    for format in ["text", "docx", "xlsx", "xls", "html", "pdf"] {
        let folder = repo_root().join("fixtures").join(format);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
            .expect("fixture folder")
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        paths.sort();
        for path in paths {
            let document = jixiao::extract_path(&path, &jixiao::Options::default());
            let json = serde_json::to_value(&document).expect("document serialises");
            assert_valid(&validator, &json, &path.display().to_string());
            checked += 1;
        }
    }
    assert!(checked >= 19, "only {checked} fixtures were checked");
}
