//! # jixiao-normalize
//!
//! Turns the grids of a [`jixiao_grid::Document`] into performance target tables: it finds each
//! table and its indicator header by content, rebuilds the 一级 → 二级 → 三级 hierarchy from
//! merged or empty cells, maps names to the vocabulary, reads the fields above the indicators,
//! and parses every value. It knows nothing of file formats.
//!
//! ```
//! use jixiao_grid::{Block, Cell, Document, GridBuilder, Location};
//!
//! let rows = [
//!     ["项目名称", "办公设备购置", "", ""],
//!     ["一级指标", "二级指标", "三级指标", "指标值"],
//!     ["产出指标", "数量指标", "设备购置率", "=100%"],
//!     ["", "质量指标", "设备采购合格率", "≥95%"],
//! ];
//! let mut builder = GridBuilder::new();
//! for (row, texts) in rows.iter().enumerate() {
//!     for (col, text) in texts.iter().enumerate() {
//!         builder.push(Cell::new(row, col, *text));
//!     }
//! }
//! let (grid, _) = builder.build(Location::default());
//! let document = Document { blocks: vec![Block::Table(grid)], ..Document::default() };
//!
//! let extraction = jixiao_normalize::normalize(&document);
//! let table = &extraction.tables[0];
//! assert_eq!(table.project.name.as_deref(), Some("办公设备购置"));
//! assert_eq!(table.indicators[1].level1, "产出指标"); // filled down from the row above
//! assert_eq!(table.indicators[1].values[0].raw, "≥95%");
//! ```
//!
//! **Boundary:** normalising never fails. What cannot be read is reported as a warning on the
//! table or the extraction; a document with no performance target table gives no tables.

mod fields;
mod header;
mod list;
pub mod model;
mod rows;
mod table;
pub mod text;
pub mod value;
pub mod vocab;

pub use model::*;

use jixiao_grid::{Block, Document, Grid};

use crate::fields::Field;
use crate::rows::Row;
use crate::table::{Builder, Phase};

/// Finds every performance target table of a document.
pub fn normalize(document: &Document) -> Extraction {
    let mut state = State::default();
    let mut grid_index = 0;
    for block in &document.blocks {
        match block {
            Block::Paragraph(paragraph) => state.paragraph(&paragraph.text),
            Block::Table(grid) => {
                state.grid(grid, grid_index);
                grid_index += 1;
            }
        }
    }
    state.close();
    state.extraction
}

#[derive(Default)]
struct State {
    extraction: Extraction,
    current: Option<Builder>,
    /// The last table caption seen and not yet given to a table.
    pending_title: Option<String>,
}

impl State {
    fn paragraph(&mut self, raw: &str) {
        let paragraph = text::clean(raw).replace('\n', "");
        if paragraph.is_empty() || text::is_page_number(&paragraph) {
            return;
        }
        if self.extraction.title.is_none()
            && self.extraction.tables.is_empty()
            && self.current.is_none()
            && text::is_heading(&paragraph)
        {
            self.extraction.title = Some(paragraph.clone());
        }
        if text::is_other_section(&paragraph)
            && self
                .current
                .as_ref()
                .is_some_and(|table| table.phase == Phase::Indicators)
        {
            // Another table's caption or a new section: the indicators above are over, and
            // the grids that follow (决算 tables after the self-evaluations) are not theirs.
            self.close();
            return;
        }
        if self
            .current
            .as_ref()
            .is_some_and(|table| table.runs_under(&paragraph))
        {
            // The caption of a list table printed again at the top of each page.
            return;
        }
        if text::is_table_title(&paragraph) {
            // A caption after indicator rows starts the next table; so does one after fields
            // that already have a caption or a name (a budget grid above the target tables
            // that never reached an indicator header).
            if self.current.as_ref().is_some_and(|table| {
                table.phase == Phase::Indicators || table.title.is_some() || table.fields.has_name()
            }) {
                self.close();
            }
            match self.current.as_mut() {
                Some(table) if table.title.is_none() => table.title = Some(paragraph),
                _ => self.pending_title = Some(paragraph),
            }
        }
    }

    fn grid(&mut self, grid: &Grid, grid_index: usize) {
        if let Some(table) = self.current.as_mut() {
            table.enter_grid(grid.cols(), grid.location.page.is_some());
        }
        for index in 0..grid.rows() {
            let row = Row::new(grid, grid_index, index);
            if row.is_blank() {
                continue;
            }
            self.row(&row);
        }
    }

    fn row(&mut self, row: &Row<'_>) {
        if let Some(columns) = header::detect(row) {
            match self.current.as_mut() {
                Some(table) if table.phase == Phase::Fields => {
                    table.touch(row);
                    table.start_indicators(columns);
                    table.record_header(row);
                }
                Some(table) if table.awaits_first_row() => {
                    // A header over two rows: the second sees the first's merged cells too.
                    table.touch(row);
                    table.refine_header(columns);
                    table.record_header(row);
                }
                Some(table) if table.knows_header(&columns) => {
                    // The same header again, with no fields in between: a header repeated at
                    // the top of a continuation page, whose grid may place the columns apart.
                    table.touch(row);
                    table.continue_with(columns);
                    table.record_header(row);
                }
                _ => {
                    self.close();
                    let mut table = Builder::new(self.pending_title.take());
                    table.touch(row);
                    table.start_indicators(columns);
                    table.record_header(row);
                    self.current = Some(table);
                }
            }
            return;
        }

        let starts_table = starts_new_table(row);
        let title = single_title(row);
        match self.current.as_mut() {
            None => {
                if let Some(title) = title {
                    self.pending_title = Some(title);
                } else if has_label(row) {
                    let mut table = Builder::new(self.pending_title.take());
                    table.field_row(row);
                    self.current = Some(table);
                }
            }
            Some(table) if table.phase == Phase::Fields => {
                if let Some(title) = title {
                    if table.fields.has_name() || table.title.is_some() {
                        self.close();
                        self.pending_title = Some(title);
                    } else {
                        table.title = Some(title);
                    }
                } else if starts_table && table.fields.has_name() {
                    self.close();
                    self.open_with(row);
                } else {
                    table.field_row(row);
                }
            }
            Some(table) => {
                if starts_table {
                    self.close();
                    self.open_with(row);
                } else if let Some(title) = title {
                    self.close();
                    self.pending_title = Some(title);
                } else if table.restarts(row) {
                    let columns = table.columns.clone();
                    self.close();
                    let mut table = Builder::new(self.pending_title.take());
                    if let Some(columns) = columns {
                        table.start_indicators(columns);
                    }
                    table.warn(
                        jixiao_grid::Diagnostic::new(
                            "header_missing",
                            format!(
                                "{}: a new set of indicators starts with no header or project fields \
                                 above it; it was read with the columns of the table before",
                                row.describe()
                            ),
                        )
                        .at(row.location(None)),
                    );
                    table.read_indicator_row(row);
                    self.current = Some(table);
                } else {
                    table.read_indicator_row(row);
                }
            }
        }
    }

    fn open_with(&mut self, row: &Row<'_>) {
        let mut table = Builder::new(self.pending_title.take());
        table.field_row(row);
        self.current = Some(table);
    }

    fn close(&mut self) {
        if let Some(table) = self.current.take() {
            self.extraction.tables.extend(table.finish());
        }
    }
}

/// True when the row's first filled cell names a project or department: a new table starts.
fn starts_new_table(row: &Row<'_>) -> bool {
    row.filled().next().is_some_and(|cell| {
        fields::label(&cell.text) == Some(Field::Name)
            || fields::inline_label(&cell.text).is_some_and(|(field, _, _)| field == Field::Name)
    })
}

/// True when some cell of the row is a field label or states the budget unit (`单位：万元`).
fn has_label(row: &Row<'_>) -> bool {
    row.filled().any(|cell| {
        fields::label(&cell.text).is_some()
            || fields::inline_label(&cell.text).is_some()
            || text::key(&cell.text).starts_with("单位:")
    })
}

/// The caption when the row holds nothing but a table caption (a merged title row of a
/// spreadsheet, say).
fn single_title(row: &Row<'_>) -> Option<String> {
    let mut filled = row.filled();
    let first = filled.next()?;
    if filled.any(|cell| cell.text != first.text) {
        return None;
    }
    let title = text::clean(&first.text).replace('\n', "");
    text::is_table_title(&title).then_some(title)
}

#[cfg(test)]
mod tests;
