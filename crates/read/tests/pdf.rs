//! The PDF reader against the corpus: every table of the three corpus PDFs must give the
//! indicator rows of `fixtures/gold`, and the project name, code and budget cells.
//!
//! The comparison reads grids the way the normaliser does, in miniature: find the header row
//! (`一级指标`), map its columns, then take each following row's 一级/二级指标 from the cell
//! covering the slot (or the last non-empty one above), and 三级指标, values, description and
//! basis from the cells that start in their columns. Names are compared after the SPEC's
//! vocabulary (`社会效益` → `社会效益指标`), and a 二级指标 under a 一级指标 that cannot hold
//! it takes its canonical parent, as the gold does.

use std::path::PathBuf;

use jixiao_read::grid::{Block, Document, Grid};
use jixiao_read::{Limits, pdf};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path)
}

fn read_fixture(name: &str) -> Document {
    let bytes = std::fs::read(fixture(&format!("pdf/{name}.pdf"))).expect("fixture");
    pdf::read(&bytes, &Limits::default()).expect("readable")
}

fn gold(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(&format!("gold/{name}.gold.json"))).expect("gold");
    serde_json::from_str(&text).expect("json")
}

/// NFKC without white space: how names and values are compared.
fn norm(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The SPEC vocabulary: a 二级指标 variant → (canonical name, canonical 一级指标).
fn canonical_level2(name: &str) -> Option<(&'static str, &'static str)> {
    let name = norm(name);
    let entry = match name.as_str() {
        "数量指标" => ("数量指标", "产出指标"),
        "质量指标" => ("质量指标", "产出指标"),
        "时效指标" | "进度指标" => ("时效指标", "产出指标"),
        "成本指标" => ("成本指标", "产出指标"),
        "经济效益指标" | "经济效益" => ("经济效益指标", "效益指标"),
        "社会效益指标" | "社会效益" => ("社会效益指标", "效益指标"),
        "生态效益指标" | "生态效益" | "环境效益指标" => {
            ("生态效益指标", "效益指标")
        }
        "可持续影响指标" | "可持续影响" => ("可持续影响指标", "效益指标"),
        "服务对象满意度指标" | "服务对象满意度" | "社会公众或服务对象满意度指标" => {
            ("服务对象满意度指标", "满意度指标")
        }
        "项目立项" => ("项目立项", "决策"),
        "绩效目标" => ("绩效目标", "决策"),
        "资金投入" => ("资金投入", "决策"),
        "资金管理" => ("资金管理", "过程"),
        "组织实施" => ("组织实施", "过程"),
        _ => return None,
    };
    Some(entry)
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Row {
    level1: String,
    level2: String,
    level3: String,
    values: Vec<String>,
    description: Option<String>,
    basis: Option<String>,
}

/// Text of the cell that starts at column `col` and covers row `row`; empty when the slot is
/// covered by a cell from another column.
fn own_text(grid: &Grid, row: usize, col: usize) -> String {
    match grid.slot(row, col) {
        Some(slot) if slot.cell.col == col && slot.cell.row == row => slot.cell.text.clone(),
        _ => String::new(),
    }
}

fn covering_text(grid: &Grid, row: usize, col: usize) -> String {
    grid.slot(row, col)
        .map(|slot| slot.cell.text.clone())
        .unwrap_or_default()
}

/// The first cell with text right of the first cell labelled `label` (forms leave empty
/// spacer cells between a label and its value, as the docx of corpus 003 does).
fn value_after(grid: &Grid, label: &str) -> Option<String> {
    let cell = grid.cells().iter().find(|cell| norm(&cell.text) == label)?;
    (cell.last_col() + 1..grid.cols())
        .filter_map(|col| grid.slot(cell.row, col))
        .map(|slot| slot.cell.text.clone())
        .find(|text| !text.trim().is_empty())
}

/// Indicator rows of a grid, read as the normaliser would.
fn indicator_rows(grid: &Grid) -> Vec<Row> {
    let header = (0..grid.rows())
        .find(|&row| {
            grid.row_cells(row)
                .iter()
                .any(|cell| norm(&cell.text) == "一级指标")
        })
        .expect("a 一级指标 header row");
    let (mut l1, mut l2, mut l3) = (None, None, None);
    let (mut description, mut basis) = (None, None);
    let mut values = Vec::new();
    for cell in grid.row_cells(header) {
        let name = norm(&cell.text);
        match name.as_str() {
            "一级指标" => l1 = Some(cell.col),
            "二级指标" => l2 = Some(cell.col),
            "三级指标" => l3 = Some(cell.col),
            _ if name.contains("描述") || name.contains("指标内容") => {
                description = Some(cell.col)
            }
            _ if name.contains("依据") => basis = Some(cell.col),
            _ if name.contains("指标值") => values.push(cell.col),
            _ => {}
        }
    }
    let (l1, l2, l3) = (l1.expect("一级"), l2.expect("二级"), l3.expect("三级"));
    let mut rows = Vec::new();
    let (mut last1, mut last2) = (String::new(), String::new());
    for row in header + 1..grid.rows() {
        let level1 = covering_text(grid, row, l1);
        if !level1.is_empty() {
            last1 = level1;
        }
        let level2 = covering_text(grid, row, l2);
        if !level2.is_empty() {
            last2 = level2;
        }
        let level3 = own_text(grid, row, l3);
        let row_values: Vec<String> = values.iter().map(|&c| own_text(grid, row, c)).collect();
        if level3.is_empty() && row_values.iter().all(String::is_empty) {
            continue;
        }
        rows.push(Row {
            level1: last1.clone(),
            level2: last2.clone(),
            level3,
            values: row_values,
            description: description.map(|c| own_text(grid, row, c)),
            basis: basis.map(|c| own_text(grid, row, c)),
        });
    }
    rows
}

fn grids(document: &Document) -> Vec<&Grid> {
    document
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Table(grid) => Some(grid),
            Block::Paragraph(_) => None,
        })
        .collect()
}

/// Compares one document table by table; returns how many 一级指标 the vocabulary corrected.
fn compare_with_gold(name: &str) -> usize {
    let document = read_fixture(name);
    let gold = gold(name);
    let tables = gold["tables"].as_array().expect("tables");
    let grids = grids(&document);
    assert_eq!(grids.len(), tables.len(), "{name}: number of tables");
    let mut corrected = 0;
    for (index, (grid, expected)) in grids.iter().zip(tables).enumerate() {
        let at = format!("{name} table {}", index + 1);
        if let Some(project) = expected["project_name"].as_str() {
            let found = value_after(grid, "项目名称").unwrap_or_default();
            assert_eq!(norm(&found), norm(project), "{at}: 项目名称");
        }
        if let Some(code) = expected["project_code"].as_str() {
            let found = value_after(grid, "项目编码").unwrap_or_default();
            assert_eq!(norm(&found), norm(code), "{at}: 项目编码");
        }
        if let Some(total) = expected["budget_total"].as_str() {
            let found = value_after(grid, "预算数").unwrap_or_default();
            assert_eq!(norm(&found), norm(total), "{at}: 预算数");
        }
        let rows = indicator_rows(grid);
        let indicators = expected["indicators"].as_array().expect("indicators");
        assert_eq!(
            rows.len(),
            indicators.len(),
            "{at}: indicator rows {rows:#?}"
        );
        for (number, (row, want)) in rows.iter().zip(indicators).enumerate() {
            let at = format!("{at} row {}", number + 1);
            let (level2, parent) = canonical_level2(&row.level2)
                .map(|(name, parent)| (name.to_string(), parent.to_string()))
                .unwrap_or_else(|| (norm(&row.level2), norm(&row.level1)));
            if parent != norm(&row.level1) {
                corrected += 1;
            }
            assert_eq!(
                parent,
                norm(want["level1"].as_str().unwrap_or("")),
                "{at}: level1"
            );
            assert_eq!(
                level2,
                norm(want["level2"].as_str().unwrap_or("")),
                "{at}: level2"
            );
            assert_eq!(
                norm(&row.level3),
                norm(want["level3"].as_str().unwrap_or("")),
                "{at}: level3"
            );
            let want_values: Vec<String> = want["values"]
                .as_array()
                .expect("values")
                .iter()
                .map(|v| norm(v.as_str().unwrap_or("")))
                .collect();
            let got_values: Vec<String> = row.values.iter().map(|v| norm(v)).collect();
            assert_eq!(got_values, want_values, "{at}: values");
            if let Some(description) = want["description"].as_str() {
                assert_eq!(
                    norm(row.description.as_deref().unwrap_or("")),
                    norm(description),
                    "{at}: description"
                );
            }
            if let Some(basis) = want["basis"].as_str() {
                assert_eq!(
                    norm(row.basis.as_deref().unwrap_or("")),
                    norm(basis),
                    "{at}: basis"
                );
            }
        }
    }
    corrected
}

#[test]
fn corpus_000_matches_gold() {
    // Table 7 of this document really does put 成本指标 under 效益指标 and 生态效益指标 and
    // 可持续影响指标 under 满意度指标; the vocabulary corrects those three rows, as in gold.
    assert_eq!(compare_with_gold("000_5951d4f30969a9c2"), 3);
}

#[test]
fn corpus_001_matches_gold() {
    assert_eq!(compare_with_gold("001_7ba444aee7ec495e"), 0);
}

#[test]
fn corpus_003_matches_gold() {
    assert_eq!(compare_with_gold("003_f17e630e396b42a6"), 0);
}
