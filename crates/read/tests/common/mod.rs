//! Helpers shared by the reader tests: reading fixtures, and pulling the indicator rows out of
//! grids so that any format's reading can be compared with `fixtures/gold/*.gold.json`.
//!
//! The extraction here is deliberately naive (header by its `一级指标` cell, hierarchy from the
//! covering cell or the last non-empty cell above, values by column). It is not the
//! normaliser: it only checks that the grids carry the gold rows in the right slots.

#![allow(dead_code)]

use std::path::PathBuf;

use jixiao_read::grid::{Block, Document, Grid};
use unicode_normalization::UnicodeNormalization;

/// The path of a fixture, relative to the repository root.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

pub fn read_fixture(relative: &str) -> Vec<u8> {
    let path = fixture(relative);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The corpus documents that exist in every rendered format.
pub const DOCUMENTS: [&str; 3] = [
    "000_5951d4f30969a9c2",
    "001_7ba444aee7ec495e",
    "003_f17e630e396b42a6",
];

/// One gold indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub level1: String,
    pub level2: String,
    pub level3: String,
    pub values: Vec<String>,
    pub description: Option<String>,
    pub basis: Option<String>,
}

/// The gold tables of a document: each table's indicators.
pub fn gold(document: &str) -> Vec<Vec<Indicator>> {
    let text = String::from_utf8(read_fixture(&format!("fixtures/gold/{document}.gold.json")))
        .expect("utf-8");
    let json: serde_json::Value = serde_json::from_str(&text).expect("gold json");
    let text_of = |value: &serde_json::Value| value.as_str().map(str::to_string);
    json["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|table| {
            table["indicators"]
                .as_array()
                .expect("indicators")
                .iter()
                .map(|indicator| Indicator {
                    level1: text_of(&indicator["level1"]).unwrap_or_default(),
                    level2: text_of(&indicator["level2"]).unwrap_or_default(),
                    level3: text_of(&indicator["level3"]).unwrap_or_default(),
                    values: indicator["values"]
                        .as_array()
                        .expect("values")
                        .iter()
                        .map(|value| text_of(value).unwrap_or_default())
                        .collect(),
                    description: text_of(&indicator["description"]),
                    basis: text_of(&indicator["basis"]),
                })
                .collect()
        })
        .collect()
}

/// Text compared without whitespace and after NFKC, as the contract compares names.
pub fn squash(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The canonical 二级指标 name of the contract's vocabulary (the normaliser's job; repeated
/// here only to compare with the gold, which is canonical).
pub fn canonical_level2(name: &str) -> String {
    let name = squash(name);
    let name = match name.find(['(', '（']) {
        Some(position) if name.ends_with("分)") || name.ends_with("分）") => {
            name[..position].to_string()
        }
        _ => name,
    };
    match name.as_str() {
        "进度指标" => "时效指标".to_string(),
        "经济效益" => "经济效益指标".to_string(),
        "社会效益" => "社会效益指标".to_string(),
        "生态效益" | "环境效益指标" => "生态效益指标".to_string(),
        "可持续影响" => "可持续影响指标".to_string(),
        "服务对象满意度" | "社会公众或服务对象满意度指标" => {
            "服务对象满意度指标".to_string()
        }
        _ => name,
    }
}

/// The 一级指标 a canonical 二级指标 belongs to, when the vocabulary says.
pub fn parent_of(level2: &str) -> Option<&'static str> {
    Some(match level2 {
        "数量指标" | "质量指标" | "时效指标" | "成本指标" => "产出指标",
        "经济效益指标" | "社会效益指标" | "生态效益指标" | "可持续影响指标" => {
            "效益指标"
        }
        "服务对象满意度指标" => "满意度指标",
        "项目立项" | "绩效目标" | "资金投入" => "决策",
        "资金管理" | "组织实施" => "过程",
        _ => return None,
    })
}

/// An indicator row read from a grid, with where its 一级指标 came from.
#[derive(Debug, Clone)]
pub struct GridRow {
    pub indicator: Indicator,
    /// The row inside the grid.
    pub row: usize,
}

/// One indicator table found in a grid: the header row and the indicator rows under it.
#[derive(Debug, Clone)]
pub struct Found {
    pub grid: usize,
    pub header_row: usize,
    pub level1_col: usize,
    pub rows: Vec<GridRow>,
}

/// The text of the cell covering a slot ("" when uncovered).
pub fn text_at(grid: &Grid, row: usize, col: usize) -> &str {
    grid.slot(row, col)
        .map_or("", |slot| slot.cell.text.as_str())
}

/// Finds every `一级指标` header in the grids and reads the rows under it.
pub fn indicator_tables(document: &Document) -> Vec<Found> {
    let mut found = Vec::new();
    for (index, grid) in document.grids().enumerate() {
        for row in 0..grid.rows() {
            let cells = grid.row_cells(row);
            let header = |name: &str| {
                cells
                    .iter()
                    .find(|cell| squash(&cell.text) == name)
                    .map(|cell| cell.col)
            };
            let (Some(level1), Some(level2), Some(level3)) =
                (header("一级指标"), header("二级指标"), header("三级指标"))
            else {
                continue;
            };
            let value_cols: Vec<usize> = cells
                .iter()
                .filter(|cell| {
                    let text = squash(&cell.text);
                    text.contains("指标值") && !text.contains("依据")
                })
                .map(|cell| cell.col)
                .collect();
            let description = cells
                .iter()
                .find(|cell| matches!(squash(&cell.text).as_str(), "绩效指标描述" | "指标内容"))
                .map(|cell| cell.col);
            let basis = cells
                .iter()
                .find(|cell| squash(&cell.text).contains("依据"))
                .map(|cell| cell.col);
            let mut rows = Vec::new();
            let (mut last1, mut last2) = (String::new(), String::new());
            for below in row + 1..grid.rows() {
                let Some(first) = grid.slot(below, level1) else {
                    continue;
                };
                // A cell reaching across the 三级指标 column from the 一级指标 column is a
                // title or a paragraph (the indicator table has ended), unless it is a 一级指标
                // without any 二级 or 三级 (成本指标 in the 2021 framework).
                if first.cell.col == level1
                    && first.cell.col + first.cell.col_span > level3
                    && !squash(&first.cell.text).ends_with("指标")
                {
                    break;
                }
                if squash(&first.cell.text) == "一级指标" {
                    break;
                }
                let level2_slot = grid.slot(below, level2);
                let level3_slot = grid.slot(below, level3);
                // A 二级指标 cell spanning over the 三级指标 column has no 三级指标.
                let level3_text = match (level2_slot, level3_slot) {
                    (Some(two), Some(three)) if two.index == three.index => "",
                    (_, Some(three)) => three.cell.text.as_str(),
                    _ => "",
                };
                let mut l1 = first.cell.text.trim().to_string();
                if l1.is_empty() {
                    l1 = last1.clone();
                } else {
                    last1 = l1.clone();
                }
                let mut l2 = level2_slot.map_or("", |s| s.cell.text.trim()).to_string();
                if l2.is_empty() {
                    l2 = last2.clone();
                } else {
                    last2 = l2.clone();
                }
                // A value slot covered by a cell that starts left of it, at or before the
                // 三级指标 column (a 二级指标 spanning the row), holds no value.
                let values: Vec<String> = value_cols
                    .iter()
                    .map(|&col| match grid.slot(below, col) {
                        Some(slot) if slot.cell.col > level3 => slot.cell.text.trim().to_string(),
                        _ => String::new(),
                    })
                    .collect();
                if level3_text.trim().is_empty() && values.iter().all(String::is_empty) {
                    continue;
                }
                rows.push(GridRow {
                    indicator: Indicator {
                        level1: l1,
                        level2: l2,
                        level3: level3_text.trim().to_string(),
                        values,
                        description: description
                            .map(|col| text_at(grid, below, col).trim().to_string()),
                        basis: basis.map(|col| text_at(grid, below, col).trim().to_string()),
                    },
                    row: below,
                });
            }
            found.push(Found {
                grid: index,
                header_row: row,
                level1_col: level1,
                rows,
            });
        }
    }
    found
}

/// Compares the indicator tables found in a document with the gold. Returns how many rows
/// had their 一级指标 corrected by the vocabulary (a layout parent that cannot hold the
/// 二级指标, as the contract describes) so that callers can pin that number.
pub fn compare_with_gold(document: &Document, name: &str, format: &str) -> usize {
    let gold = gold(name);
    let found = indicator_tables(document);
    assert_eq!(
        found.len(),
        gold.len(),
        "{name}.{format}: indicator tables found vs gold"
    );
    let mut corrections = 0;
    for (table, (found, gold)) in found.iter().zip(&gold).enumerate() {
        assert_eq!(
            found.rows.len(),
            gold.len(),
            "{name}.{format} table {}: indicator rows\n{:#?}",
            table + 1,
            found.rows
        );
        for (row, expected) in found.rows.iter().zip(gold) {
            let got = &row.indicator;
            let context = format!("{name}.{format} table {} grid row {}", table + 1, row.row);
            let level2 = canonical_level2(&got.level2);
            assert_eq!(level2, expected.level2, "{context}: level2");
            let level1 = squash(&got.level1);
            if level1 != expected.level1 {
                assert_eq!(
                    parent_of(&level2),
                    Some(expected.level1.as_str()),
                    "{context}: level1 {level1} is neither the gold's nor a correction"
                );
                corrections += 1;
            }
            assert_eq!(
                squash(&got.level3),
                squash(&expected.level3),
                "{context}: level3"
            );
            let values: Vec<String> = got.values.iter().map(|v| squash(v)).collect();
            let expected_values: Vec<String> = expected.values.iter().map(|v| squash(v)).collect();
            assert_eq!(values, expected_values, "{context}: values");
            if let (Some(expected), Some(got)) = (&expected.description, &got.description) {
                assert_eq!(squash(got), squash(expected), "{context}: description");
            }
            if let (Some(expected), Some(got)) = (&expected.basis, &got.basis) {
                assert_eq!(squash(got), squash(expected), "{context}: basis");
            }
        }
    }
    corrections
}

/// The paragraphs of a document, in order.
pub fn paragraphs(document: &Document) -> Vec<&str> {
    document
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Paragraph(paragraph) => Some(paragraph.text.as_str()),
            Block::Table(_) => None,
        })
        .collect()
}
