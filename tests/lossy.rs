//! Seed 002 is what users get when a PDF went through a lossy converter: empty merged cells
//! were dropped, so cells slid left, labels were cut, ticked boxes became `R`, and stray
//! headings sit outside any table. This snapshot holds what jixiao reads from it, table by
//! table and row by row, with every repair it made; it was reviewed against the seed.

use std::fmt::Write;

use serde_json::Value;

use crate::gold::extract;

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

/// A compact, reviewable listing of a document's tables.
fn listing(document: &Value) -> String {
    let mut out = String::new();
    let empty = Vec::new();
    let _ = writeln!(
        out,
        "status {} · title {}",
        document["status"], document["title"]
    );
    for (index, table) in document["tables"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let budget = &table["budget"];
        let _ = writeln!(
            out,
            "\n## {index} {} · {} · total {} fiscal {} other {}",
            text(&table["kind"]),
            table["project"]["name"],
            budget["total"],
            budget["fiscal"],
            budget["other"]
        );
        for (label, checked) in table["project"]["checkboxes"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let _ = writeln!(out, "   {label}: {checked}");
        }
        for task in table["tasks"].as_array().unwrap_or(&empty) {
            let _ = writeln!(
                out,
                "   task {} · {} · {}",
                text(&task["name"]),
                task["total"],
                task["fiscal"]
            );
        }
        for indicator in table["indicators"].as_array().unwrap_or(&empty) {
            let values: Vec<String> = indicator["values"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|value| format!("{}@{}", text(&value["raw"]), text(&value["period"])))
                .collect();
            let _ = writeln!(
                out,
                "   line {} · {} / {} / {} = {}",
                indicator["location"]["line"],
                text(&indicator["level1"]),
                text(&indicator["level2"]),
                text(&indicator["level3"]),
                values.join(" | ")
            );
        }
        for warning in table["warnings"].as_array().unwrap_or(&empty) {
            let _ = writeln!(
                out,
                "   ! {}: {}",
                text(&warning["code"]),
                text(&warning["message"])
            );
        }
    }
    out
}

#[test]
fn seed_002_reads_as_reviewed() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/text/002_e3b15d3904952b23.txt");
    let document = extract(&path);
    insta::assert_snapshot!(listing(&document));
}

#[test]
fn seed_002_keeps_the_rules_of_a_clean_reading() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/text/002_e3b15d3904952b23.txt");
    let document = extract(&path);
    let empty = Vec::new();
    let tables = document["tables"].as_array().unwrap_or(&empty);
    assert_eq!(
        tables.len(),
        17,
        "one department table, fifteen named projects, one orphan"
    );
    assert_eq!(tables[0]["kind"], "department");
    let named = tables
        .iter()
        .filter(|table| table["project"]["name"].is_string())
        .count();
    assert_eq!(named, 16);
    for table in tables {
        for indicator in table["indicators"].as_array().unwrap_or(&empty) {
            let values = indicator["values"].as_array().unwrap_or(&empty);
            let level3 = text(&indicator["level3"]);
            assert!(
                !level3.is_empty() || values.iter().all(|value| text(&value["raw"]).is_empty()),
                "a value with an empty 三级指标: {indicator}"
            );
            for value in values {
                let raw = text(&value["raw"]);
                assert!(
                    !jixiao_normalize::vocab::is_vocabulary_name(raw),
                    "a vocabulary name as a value: {indicator}"
                );
                assert_ne!(
                    value["period"], "long_term",
                    "the 中长期 side of seed 002 is empty: {indicator}"
                );
            }
        }
    }
    // Lines left outside any table never become indicators.
    let stray_lines = [294, 296, 298, 300, 302, 304, 306, 308, 351];
    for table in tables {
        for indicator in table["indicators"].as_array().unwrap_or(&empty) {
            let line = indicator["location"]["line"].as_u64().unwrap_or(0);
            assert!(
                !stray_lines.contains(&line),
                "an indicator from a stray line: {indicator}"
            );
        }
    }
}
