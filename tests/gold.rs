//! Every format of one document gives the indicators of `fixtures/gold/`: the same tables in
//! the same order, the same project names, codes and budget totals, and the same indicator
//! rows (canonical 一级 and 二级, 三级, values in column order, description and basis).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The seeds whose gold lists every table.
const COMPLETE: [&str; 3] = [
    "000_5951d4f30969a9c2",
    "001_7ba444aee7ec495e",
    "003_f17e630e396b42a6",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn gold(stem: &str) -> Value {
    let name = if stem.starts_with("002") {
        format!("{stem}.partial.gold.json")
    } else {
        format!("{stem}.gold.json")
    };
    let text = std::fs::read_to_string(root().join("fixtures/gold").join(name)).expect("gold file");
    serde_json::from_str(&text).expect("gold JSON")
}

/// The output document for one fixture, as JSON.
pub fn extract(path: &Path) -> Value {
    let document = jixiao::extract_path(path, &jixiao::Options::default());
    serde_json::to_value(&document).expect("document serialises")
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or("").to_string()
}

/// One indicator as a line: `一级 / 二级 / 三级 = [values]`, with description and basis when
/// the gold has them. `value_text` reads one entry of `values` (a string in gold files, an
/// object with `raw` in output).
fn indicator_line(
    indicator: &Value,
    value_text: fn(&Value) -> String,
    with_description: bool,
    with_basis: bool,
) -> String {
    let values: Vec<String> = indicator["values"]
        .as_array()
        .map(|values| values.iter().map(value_text).collect())
        .unwrap_or_default();
    let mut line = format!(
        "{} / {} / {} = {:?}",
        text(&indicator["level1"]),
        text(&indicator["level2"]),
        text(&indicator["level3"]),
        values
    );
    if with_description {
        let _ = write!(line, " desc={:?}", text(&indicator["description"]));
    }
    if with_basis {
        let _ = write!(line, " basis={:?}", text(&indicator["basis"]));
    }
    line
}

fn raw_text(value: &Value) -> String {
    text(&value["raw"])
}

/// Compares one extracted table with one gold table; returns the differences.
fn compare_table(table: &Value, gold: &Value, label: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let name = text(&table["project"]["name"]);
    if name != text(&gold["project_name"]) {
        problems.push(format!(
            "{label}: project name {name:?}, gold {:?}",
            gold["project_name"]
        ));
    }
    if let Some(code) = gold["project_code"].as_str()
        && text(&table["project"]["code"]) != code
    {
        problems.push(format!(
            "{label}: project code {:?}, gold {code:?}",
            table["project"]["code"]
        ));
    }
    if let Some(total) = gold["budget_total"].as_str() {
        let wanted: f64 = total.parse().expect("gold total is a number");
        let found = table["budget"]["total"].as_f64();
        if found.is_none_or(|found| (found - wanted).abs() > 1e-9) {
            problems.push(format!("{label}: budget total {found:?}, gold {total}"));
        }
    }
    let empty = Vec::new();
    let gold_indicators = gold["indicators"].as_array().unwrap_or(&empty);
    let with_description = gold_indicators
        .iter()
        .any(|i| i.get("description").is_some());
    let with_basis = gold_indicators.iter().any(|i| i.get("basis").is_some());
    let wanted: Vec<String> = gold_indicators
        .iter()
        .map(|indicator| indicator_line(indicator, text, with_description, with_basis))
        .collect();
    let found: Vec<String> = table["indicators"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|indicator| indicator_line(indicator, raw_text, with_description, with_basis))
        .collect();
    if found != wanted {
        let mut diff = format!("{label}: indicators differ\n");
        for line in 0..found.len().max(wanted.len()) {
            let (got, want) = (found.get(line), wanted.get(line));
            if got != want {
                let _ = writeln!(diff, "  row {line}:\n    got  {got:?}\n    gold {want:?}");
            }
        }
        problems.push(diff);
    }
    problems
}

/// Checks one rendered file of a complete seed against its gold.
fn check_complete(stem: &str, path: &Path) -> Vec<String> {
    let document = extract(path);
    let gold = gold(stem);
    let label = path.display().to_string();
    if document["status"] == "failed" {
        return vec![format!("{label}: failed: {}", document["error"])];
    }
    let empty = Vec::new();
    let tables = document["tables"].as_array().unwrap_or(&empty);
    let gold_tables = gold["tables"].as_array().unwrap_or(&empty);
    let mut problems = Vec::new();
    if tables.len() != gold_tables.len() {
        let names: Vec<String> = tables.iter().map(|t| text(&t["project"]["name"])).collect();
        problems.push(format!(
            "{label}: {} tables, gold has {}: {names:?}",
            tables.len(),
            gold_tables.len()
        ));
    }
    for (index, (table, gold)) in tables.iter().zip(gold_tables).enumerate() {
        problems.extend(compare_table(
            table,
            gold,
            &format!("{label} table {index}"),
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
        problems.extend(check_complete(stem, &path));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn text_gives_the_gold_indicators() {
    check_format("text", "txt");
}

#[test]
fn docx_gives_the_gold_indicators() {
    check_format("docx", "docx");
}

#[test]
fn xlsx_gives_the_gold_indicators() {
    check_format("xlsx", "xlsx");
}

#[test]
fn xls_gives_the_gold_indicators() {
    check_format("xls", "xls");
}

#[test]
fn html_gives_the_gold_indicators() {
    check_format("html", "html");
}

#[test]
fn pdf_gives_the_gold_indicators() {
    check_format("pdf", "pdf");
}

#[test]
fn doc_gives_the_gold_indicators() {
    // Read natively: no LibreOffice is looked for or started.
    check_format("doc", "doc");
}

#[test]
fn rtf_gives_the_gold_indicators() {
    // LibreOffice's RTF export of each corpus document (scripts/make-doc-fixtures.sh).
    check_format("rtf", "rtf");
}

#[test]
fn abiword_doc_gives_the_gold_indicators() {
    // AbiWord's "Word" export (`abiword --to=doc`), which is RTF under a .doc name.
    check_format("doc/abiword", "doc");
}

/// The text dialects of tables copied out of web pages (`fixtures/web/text/<dialect>/`, written
/// by `make fixtures-web`).
const WEB_DIALECTS: [&str; 5] = ["blank", "pipe", "markdown", "tsv", "spaced"];

/// Words of page chrome that must never reach a table (a field or an indicator). 有效性 is
/// left out: it is also a word of real indicators (`制度执行有效性`).
const CHROME: [&str; 7] = [
    "索引号",
    "发布机构",
    "发布日期",
    "扫一扫",
    "打印本页",
    "关闭窗口",
    "当前位置",
];

/// The chrome words found anywhere in the tables of a document.
fn chrome_in_tables(path: &Path) -> Vec<String> {
    let document = extract(path);
    let tables = document["tables"].to_string();
    CHROME
        .iter()
        .filter(|word| tables.contains(*word))
        .map(|word| format!("{}: `{word}` reached a table", path.display()))
        .collect()
}

#[test]
fn web_text_dialects_give_the_gold_indicators() {
    let mut problems = Vec::new();
    for dialect in WEB_DIALECTS {
        let directory = format!("web/text/{dialect}");
        for stem in COMPLETE {
            let path = root()
                .join("fixtures")
                .join(&directory)
                .join(format!("{stem}.txt"));
            problems.extend(check_complete(stem, &path));
            problems.extend(chrome_in_tables(&path));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The lossy seed 002 keeps its slid cells cell for cell in every dialect (the pipe dialect
/// puts a row's absent cells back in front, which is where the seed has them), so no dialect
/// is exempt.
#[test]
fn web_text_dialects_of_the_lossy_seed_give_its_gold_tables() {
    for dialect in WEB_DIALECTS {
        let path = root()
            .join("fixtures/web/text")
            .join(dialect)
            .join("002_e3b15d3904952b23.txt");
        let mut problems = check_lossy(&path);
        problems.extend(chrome_in_tables(&path));
        assert!(problems.is_empty(), "{dialect}: {}", problems.join("\n"));
    }
}

#[test]
fn saved_government_pages_give_the_gold_indicators() {
    let mut problems = Vec::new();
    for stem in COMPLETE {
        let path = root()
            .join("fixtures/web/html")
            .join(format!("{stem}.html"));
        problems.extend(check_complete(stem, &path));
        problems.extend(chrome_in_tables(&path));
        // The page is GBK (declared in `<meta http-equiv>`), and read as such.
        let document = extract(&path);
        if document["source"]["encoding"] != "gb18030" {
            problems.push(format!(
                "{}: read as {}, not GBK",
                path.display(),
                document["source"]["encoding"]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Checks a rendering of the lossy seed 002 against its partial gold: each gold table is found
/// by its project name and compared.
fn check_lossy(path: &Path) -> Vec<String> {
    let stem = "002_e3b15d3904952b23";
    let document = extract(path);
    let gold = gold(stem);
    let empty = Vec::new();
    let tables = document["tables"].as_array().unwrap_or(&empty);
    let mut problems = Vec::new();
    for gold_table in gold["tables"].as_array().unwrap_or(&empty) {
        let name = text(&gold_table["project_name"]);
        match tables
            .iter()
            .find(|table| text(&table["project"]["name"]) == name)
        {
            Some(table) => problems.extend(compare_table(table, gold_table, &name)),
            None => problems.push(format!("{}: no table named {name}", path.display())),
        }
    }
    problems
}

#[test]
fn lossy_text_gives_the_gold_tables() {
    let stem = "002_e3b15d3904952b23";
    let document = extract(&root().join("fixtures/text").join(format!("{stem}.txt")));
    let gold = gold(stem);
    let empty = Vec::new();
    let tables = document["tables"].as_array().unwrap_or(&empty);
    let mut problems = Vec::new();
    for gold_table in gold["tables"].as_array().unwrap_or(&empty) {
        let name = text(&gold_table["project_name"]);
        match tables
            .iter()
            .find(|table| text(&table["project"]["name"]) == name)
        {
            Some(table) => problems.extend(compare_table(table, gold_table, &name)),
            None => problems.push(format!("no table named {name}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// PDFs that Chromium printed from the corpus HTML (`fixtures/web/pdf/`, `make fixtures-web`):
/// Skia fills every side of every cell border as its own bevelled quadrilateral, and centres a
/// merged cell's text vertically in its span.
#[test]
fn browser_printed_pdfs_give_the_gold_indicators() {
    check_format("web/pdf", "pdf");
}
