//! Every format of one document gives the fields above the indicators of
//! `fixtures/gold/fields/*.fields.gold.json`: project fields, budget figures, the spending plan with its
//! values, and the goals. The gold was read from the seed text by hand, not from any output.
//! Each mismatch is reported by file, table and field, so that one run lists them all.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The seeds whose field gold lists every table, in document order.
const COMPLETE: [&str; 3] = [
    "000_5951d4f30969a9c2",
    "001_7ba444aee7ec495e",
    "003_f17e630e396b42a6",
];

/// The project fields the gold gives for every table (`null` when the table has none).
const PROJECT_FIELDS: [&str; 10] = [
    "name",
    "code",
    "department",
    "unit",
    "implementer",
    "manager",
    "category",
    "level",
    "start",
    "end",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn field_gold(name: &str) -> Value {
    let path = root().join("fixtures/gold/fields").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("field gold is JSON")
}

fn extract(path: &Path) -> Value {
    let document = jixiao::extract_path(path, &jixiao::Options::default());
    serde_json::to_value(&document).expect("document serialises")
}

/// True when two JSON values are equal, numbers compared as numbers.
fn same(found: &Value, wanted: &Value) -> bool {
    match (found, wanted) {
        (Value::Number(found), Value::Number(wanted)) => {
            let (found, wanted) = (found.as_f64(), wanted.as_f64());
            found.zip(wanted).is_some_and(|(a, b)| (a - b).abs() < 1e-9)
        }
        (Value::Array(found), Value::Array(wanted)) => {
            found.len() == wanted.len() && found.iter().zip(wanted).all(|(a, b)| same(a, b))
        }
        (Value::Object(found), Value::Object(wanted)) => wanted
            .iter()
            .all(|(key, wanted)| same(found.get(key).unwrap_or(&Value::Null), wanted)),
        _ => found == wanted,
    }
}

/// Compares one value; pushes `label field: got …, gold …` when it differs.
fn check(problems: &mut Vec<String>, label: &str, field: &str, found: &Value, wanted: &Value) {
    if !same(found, wanted) {
        problems.push(format!("{label} {field}: got {found}, gold {wanted}"));
    }
}

/// True when a cell's text is the gold's. A spreadsheet stores `1.00` typed into a General cell
/// as the number 1 and shows `1`: there the same number is the same text.
fn same_raw(found: &Value, wanted: &Value, spreadsheet: bool) -> bool {
    let number = |value: &Value| value.as_str().and_then(|text| text.parse::<f64>().ok());
    found == wanted
        || (spreadsheet
            && number(found)
                .zip(number(wanted))
                .is_some_and(|(a, b)| (a - b).abs() < 1e-9))
}

/// Compares the fields of one extracted table with one gold table, field by field.
/// `spreadsheet` is true for .xlsx and .xls, whose cells hold numbers rather than text.
fn compare_fields(table: &Value, gold: &Value, label: &str, spreadsheet: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for field in PROJECT_FIELDS {
        check(
            &mut problems,
            label,
            &format!("project.{field}"),
            &table["project"][field],
            &gold["project"][field],
        );
    }
    match (&table["budget"], &gold["budget"]) {
        (found, Value::Null) => check(&mut problems, label, "budget", found, &Value::Null),
        (Value::Null, wanted) => check(&mut problems, label, "budget", &Value::Null, wanted),
        (found, wanted) => {
            for field in ["unit", "total", "fiscal", "other"] {
                check(
                    &mut problems,
                    label,
                    &format!("budget.{field}"),
                    &found[field],
                    &wanted[field],
                );
            }
        }
    }
    let empty = Vec::new();
    let plan = table["spending_plan"].as_array().unwrap_or(&empty);
    let gold_plan = gold["spending_plan"].as_array().unwrap_or(&empty);
    if plan.len() != gold_plan.len() {
        problems.push(format!(
            "{label} spending_plan: {} items {:?}, gold {} {:?}",
            plan.len(),
            plan.iter().map(|item| &item["label"]).collect::<Vec<_>>(),
            gold_plan.len(),
            gold_plan
                .iter()
                .map(|item| &item["label"])
                .collect::<Vec<_>>(),
        ));
    }
    for (index, (item, wanted)) in plan.iter().zip(gold_plan).enumerate() {
        for field in ["label", "value", "unit"] {
            check(
                &mut problems,
                label,
                &format!("spending_plan[{index}].{field}"),
                &item[field],
                &wanted[field],
            );
        }
        if !same_raw(&item["raw"], &wanted["raw"], spreadsheet) {
            problems.push(format!(
                "{label} spending_plan[{index}].raw: got {}, gold {}",
                item["raw"], wanted["raw"]
            ));
        }
    }
    for field in ["overall", "annual", "long_term"] {
        check(
            &mut problems,
            label,
            &format!("goals.{field}"),
            &table["goals"][field],
            &gold["goals"][field],
        );
    }
    problems
}

/// Checks one file of a seed whose gold lists every table, in order.
fn check_complete(stem: &str, path: &Path, extension: &str) -> Vec<String> {
    let gold = field_gold(&format!("{stem}.fields.gold.json"));
    let document = extract(path);
    let label = path.strip_prefix(root()).unwrap_or(path).display();
    if document["status"] == "failed" {
        return vec![format!("{label}: failed: {}", document["error"])];
    }
    let empty = Vec::new();
    let tables = document["tables"].as_array().unwrap_or(&empty);
    let gold_tables = gold["tables"].as_array().unwrap_or(&empty);
    let mut problems = Vec::new();
    if tables.len() != gold_tables.len() {
        problems.push(format!(
            "{label}: {} tables, gold has {}",
            tables.len(),
            gold_tables.len()
        ));
    }
    for (index, (table, wanted)) in tables.iter().zip(gold_tables).enumerate() {
        problems.extend(compare_fields(
            table,
            wanted,
            &format!("{label} table {index}"),
            matches!(extension, "xlsx" | "xls"),
        ));
    }
    problems
}

fn check_format(directory: &str, extension: &str) {
    let mut problems = Vec::new();
    for stem in COMPLETE {
        let path = root()
            .join("fixtures")
            .join(directory)
            .join(format!("{stem}.{extension}"));
        problems.extend(check_complete(stem, &path, extension));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn text_gives_the_gold_fields() {
    check_format("text", "txt");
}

#[test]
fn docx_gives_the_gold_fields() {
    check_format("docx", "docx");
}

#[test]
fn xlsx_gives_the_gold_fields() {
    check_format("xlsx", "xlsx");
}

#[test]
fn xls_gives_the_gold_fields() {
    check_format("xls", "xls");
}

#[test]
fn html_gives_the_gold_fields() {
    check_format("html", "html");
}

#[test]
fn pdf_gives_the_gold_fields() {
    check_format("pdf", "pdf");
}

#[test]
fn doc_gives_the_gold_fields() {
    // Read natively: no LibreOffice is looked for or started.
    check_format("doc", "doc");
}

/// The lossy pasted text of seed 002 has partial gold: its tables are found by name.
#[test]
fn lossy_text_gives_the_gold_fields() {
    let stem = "002_e3b15d3904952b23";
    let gold = field_gold(&format!("{stem}.partial.fields.gold.json"));
    let document = extract(&root().join("fixtures/text").join(format!("{stem}.txt")));
    let empty = Vec::new();
    let tables = document["tables"].as_array().unwrap_or(&empty);
    let mut problems = Vec::new();
    for wanted in gold["tables"].as_array().unwrap_or(&empty) {
        let name = &wanted["project"]["name"];
        match tables
            .iter()
            .find(|table| &table["project"]["name"] == name)
        {
            Some(table) => problems.extend(compare_fields(table, wanted, &name.to_string(), false)),
            None => problems.push(format!("no table named {name}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Pages cut from real published PDFs (`fixtures/pdf/real/`), with field gold read from each
/// page by hand.
#[test]
fn real_pages_give_the_gold_fields() {
    let gold = field_gold("real.fields.gold.json");
    let empty = Vec::new();
    let mut problems = Vec::new();
    for file in gold["files"].as_array().unwrap_or(&empty) {
        let name = file["file"].as_str().expect("file name");
        let document = extract(&root().join("fixtures/pdf/real").join(name));
        let tables = document["tables"].as_array().unwrap_or(&empty);
        let gold_tables = file["tables"].as_array().unwrap_or(&empty);
        if tables.len() != gold_tables.len() {
            problems.push(format!(
                "{name}: {} tables, gold has {}",
                tables.len(),
                gold_tables.len()
            ));
        }
        for (index, (table, wanted)) in tables.iter().zip(gold_tables).enumerate() {
            problems.extend(compare_fields(
                table,
                wanted,
                &format!("{name} table {index}"),
                false,
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// 项目总目标 beside 年度总体目标, two paragraphs side by side in one row of a browser-printed PDF
/// (`fixtures/web/side-by-side/`, printed by Chromium from the HTML beside it): in the PDF's text
/// order their lines interleave, and they must come out as two clean texts.
/// The same form printed with and without borders: without them no rule keeps the paragraphs
/// apart, and each line of the text layer holds a piece of both.
#[test]
fn side_by_side_goals_in_a_pdf_come_out_as_two_texts() {
    for name in ["goals.pdf", "goals-unruled.pdf"] {
        side_by_side_goals(&root().join("fixtures/web/side-by-side").join(name));
    }
}

fn side_by_side_goals(path: &Path) {
    let document = extract(path);
    let tables = document["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1, "{document}");
    let table = &tables[0];
    assert_eq!(table["project"]["name"], "城市绿道建设项目");
    assert_eq!(
        table["goals"]["long_term"],
        "用三年时间建成环城绿道一百二十公里，串联主要公园与河道，形成连续贯通、覆盖城乡的慢行网络，提升市民出行与休闲品质。"
    );
    assert_eq!(
        table["goals"]["overall"],
        serde_json::json!([
            "年内完成东段绿道四十公里建设并投入使用，同步配建驿站六处、标识系统一套，绿道沿线绿化提升面积不少于十万平方米。"
        ])
    );
    assert_eq!(table["budget"]["total"], 120.0);
    assert_eq!(table["budget"]["long_term_total"], 300.0);
    assert_eq!(table["indicators"].as_array().map(Vec::len), Some(3));
    assert_eq!(table["warnings"], serde_json::json!([]));
}
