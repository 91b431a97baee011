//! `jixiao inspect --json`: what the reader saw and what the normaliser made of it, as one JSON
//! object. The text report of `inspect` is drawn by the command line; this is its data.

use jixiao_grid::{Document as GridDocument, Grid};
use jixiao_normalize::{CellRole, Extraction, RowKind};
use serde::Serialize;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct InspectReport<'a> {
    pub file: &'a str,
    pub bytes: usize,
    pub format: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    pub blocks: usize,
    pub reader_notes: Vec<Note<'a>>,
    pub tables: Vec<InspectTable<'a>>,
    pub grids: Vec<InspectGrid<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Note<'a> {
    pub code: &'a str,
    pub message: &'a str,
    pub lost: bool,
}

/// One table found by the normaliser, with the rows it read.
#[derive(Debug, Serialize)]
pub struct InspectTable<'a> {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    pub indicators: usize,
    pub warnings: Vec<Note<'a>>,
    pub rows: Vec<InspectRow<'a>>,
}

/// One row read into a table: `kind` is `fields`, `header`, `indicators` or `skipped`.
#[derive(Debug, Serialize)]
pub struct InspectRow<'a> {
    pub grid: usize,
    pub row: usize,
    pub kind: &'static str,
    /// For `indicators`: how many indicators the row gave (0: it continued the one above).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicators: Option<usize>,
    pub cells: Vec<InspectCell<'a>>,
}

/// One cell of a row read into a table: its first column, text and role; for a header cell,
/// `column` names the role of the column it heads.
#[derive(Debug, Serialize)]
pub struct InspectCell<'a> {
    pub col: usize,
    pub text: &'a str,
    pub role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<&'static str>,
}

/// One grid as the reader saw it.
#[derive(Debug, Serialize)]
pub struct InspectGrid<'a> {
    /// As `location.grid`: 0-based, in document order.
    pub index: usize,
    pub rows: usize,
    pub cols: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_end: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<&'a str>,
    pub cells: Vec<GridCell<'a>>,
}

#[derive(Debug, Serialize)]
pub struct GridCell<'a> {
    pub row: usize,
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    pub text: &'a str,
}

/// The kind of a row as written in the report.
pub fn row_kind_name(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Fields => "fields",
        RowKind::Header => "header",
        RowKind::Indicators { .. } => "indicators",
        RowKind::Skipped => "skipped",
    }
}

impl<'a> InspectReport<'a> {
    /// The report of one file; with `only_grid`, the grids and table rows of that grid only.
    pub fn new(
        file: &'a str,
        bytes: usize,
        format: &'a str,
        document: &'a GridDocument,
        extraction: &'a Extraction,
        only_grid: Option<usize>,
    ) -> Self {
        let grids: Vec<&Grid> = document.grids().collect();
        let wanted = |grid: usize| only_grid.is_none_or(|only| only == grid);
        let tables = extraction
            .tables
            .iter()
            .enumerate()
            .map(|(index, table)| InspectTable {
                index,
                title: table.title.as_deref(),
                name: table.project.name.as_deref(),
                indicators: table.indicators.len(),
                warnings: table
                    .warnings
                    .iter()
                    .map(|warning| Note {
                        code: warning.code,
                        message: &warning.message,
                        lost: warning.lost,
                    })
                    .collect(),
                rows: table
                    .rows
                    .iter()
                    .filter(|row| wanted(row.grid))
                    .map(|row| InspectRow {
                        grid: row.grid,
                        row: row.row,
                        kind: row_kind_name(row.kind),
                        indicators: match row.kind {
                            RowKind::Indicators { count } => Some(count),
                            _ => None,
                        },
                        cells: row
                            .cells
                            .iter()
                            .map(|(col, role)| InspectCell {
                                col: *col,
                                text: grids
                                    .get(row.grid)
                                    .and_then(|grid| {
                                        grid.row_cells(row.row).iter().find(|cell| cell.col == *col)
                                    })
                                    .map_or("", |cell| cell.text.as_str()),
                                role: role.name(),
                                column: match role {
                                    CellRole::Header(column) => column.map(|column| column.name()),
                                    _ => None,
                                },
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let grids = grids
            .iter()
            .enumerate()
            .filter(|(index, _)| wanted(*index))
            .map(|(index, grid)| InspectGrid {
                index,
                rows: grid.rows(),
                cols: grid.cols(),
                page: grid.location.page,
                page_end: grid.location.page_end,
                sheet: grid.location.sheet.as_deref(),
                cells: grid
                    .cells()
                    .iter()
                    .map(|cell| GridCell {
                        row: cell.row,
                        col: cell.col,
                        row_span: cell.row_span,
                        col_span: cell.col_span,
                        text: &cell.text,
                    })
                    .collect(),
            })
            .collect();
        InspectReport {
            file,
            bytes,
            format,
            encoding: document.encoding.as_deref(),
            pages: document.pages,
            blocks: document.blocks.len(),
            reader_notes: document
                .diagnostics
                .iter()
                .map(|note| Note {
                    code: note.code,
                    message: &note.message,
                    lost: note.lost,
                })
                .collect(),
            tables,
            grids,
        }
    }

    /// The report as pretty JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
