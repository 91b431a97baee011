//! The document flow of the Word binary and RTF readers: paragraphs in reading order, and
//! tables given as rows of cells whose edges are positions on the page (twips).
//!
//! Neither format has a table grid. A `.doc` row states its cell edges in `sprmTDefTable`
//! (`rgdxaCenter`), an RTF row in its `\cellx` marks; rows of one table often differ (a row
//! with a cell fewer, a cell split in two). The columns of the grid are the distinct edges of
//! all the rows of a table, sorted, as Word and LibreOffice build a docx `w:tblGrid`; each cell
//! spans the columns between its two edges. The rows are then laid out by the docx reader's
//! [`TableState`], so merges (horizontal and vertical), spans and their repairs are reported in
//! the same words whatever the source format, and the normaliser sees the same grid from a
//! `.doc`, an RTF or a `.docx` of one document.
//!
//! Nesting follows the docx reader too: a table inside a cell is flattened into that cell's
//! text (one line per row) and emitted as a grid of its own right after its top-level table.

use jixiao_grid::{Diagnostic, Source};

use crate::docx::table::{MAX_COLUMNS, Merge, NestedTables, TableState};
use crate::docx::tidy;
use crate::{DocumentBuilder, ReadError};

/// One cell's part of a row definition: its right edge and its merge marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CellDef {
    /// The cell's right edge (twips from the table's reference point).
    pub right: i32,
    pub h_merge: Merge,
    pub v_merge: Merge,
}

/// A row definition: where the first cell's left edge is, then each cell's right edge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RowDef {
    pub left: i32,
    pub cells: Vec<CellDef>,
}

/// A row read so far: the text of each cell, and the definition that came with it.
#[derive(Debug)]
struct Row {
    texts: Vec<String>,
    def: Option<RowDef>,
}

/// A table being read.
#[derive(Debug)]
struct OpenTable {
    /// The order in which it began among the tables of its top-level table.
    seq: usize,
    rows: Vec<Row>,
    /// The cells of the row being read.
    cells: Vec<String>,
    /// The text of the cell being read.
    cell: String,
}

impl OpenTable {
    fn new(seq: usize) -> Self {
        OpenTable {
            seq,
            rows: Vec::new(),
            cells: Vec::new(),
            cell: String::new(),
        }
    }
}

/// Paragraphs and tables as a reader meets them, turned into blocks.
pub(crate) struct Flow<'d, 'l> {
    pub document: &'d mut DocumentBuilder<'l>,
    /// What the error messages call the file ("Word document", "RTF document").
    what: &'static str,
    /// Open tables, outermost first.
    tables: Vec<OpenTable>,
    /// Finished tables nested in the open top-level table, emitted right after it.
    nested: NestedTables,
}

impl<'d, 'l> Flow<'d, 'l> {
    pub(crate) fn new(document: &'d mut DocumentBuilder<'l>, what: &'static str) -> Self {
        Flow {
            document,
            what,
            tables: Vec::new(),
            nested: NestedTables::default(),
        }
    }

    /// Opens or closes tables until `depth` are open. Depths past the XML depth limit are
    /// refused, as nested `w:tbl`s are.
    pub(crate) fn set_depth(&mut self, depth: usize) -> Result<(), ReadError> {
        let max_depth = self.document.limits().max_xml_depth;
        if depth > max_depth {
            return Err(ReadError::TooLarge(format!(
                "the {}'s tables nest deeper than {max_depth} levels (raise with --max-depth)",
                self.what
            )));
        }
        while self.tables.len() > depth {
            self.end_table()?;
        }
        while self.tables.len() < depth {
            let seq = self.nested.begin(self.tables.len());
            self.tables.push(OpenTable::new(seq));
        }
        Ok(())
    }

    /// A paragraph outside any table (closes open tables first).
    pub(crate) fn paragraph(&mut self, text: String) -> Result<(), ReadError> {
        self.set_depth(0)?;
        let text = tidy(text);
        if !text.is_empty() {
            self.document.paragraph(text, Source::default());
        }
        Ok(())
    }

    /// A paragraph of the cell being read at `depth` (≥ 1): it starts a new line of the cell.
    pub(crate) fn cell_paragraph(&mut self, depth: usize, text: &str) -> Result<(), ReadError> {
        self.set_depth(depth.max(1))?;
        if let Some(table) = self.tables.last_mut() {
            append_line(&mut table.cell, text);
        }
        Ok(())
    }

    /// The end of the cell being read at `depth`; `text` is its last paragraph.
    pub(crate) fn end_cell(&mut self, depth: usize, text: &str) -> Result<(), ReadError> {
        self.cell_paragraph(depth, text)?;
        if let Some(table) = self.tables.last_mut() {
            let cell = std::mem::take(&mut table.cell);
            table.cells.push(cell);
        }
        self.document.reserve(1)
    }

    /// The end of the row being read at `depth`, with its definition (`None` when the file
    /// gave none). Text left after the last cell mark becomes a cell of its own.
    pub(crate) fn end_row(&mut self, depth: usize, def: Option<RowDef>) -> Result<(), ReadError> {
        self.set_depth(depth.max(1))?;
        if let Some(table) = self.tables.last_mut() {
            if !table.cell.trim().is_empty() {
                let cell = std::mem::take(&mut table.cell);
                table.cells.push(cell);
            }
            table.cell.clear();
            let texts = std::mem::take(&mut table.cells);
            table.rows.push(Row { texts, def });
        }
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), ReadError> {
        let Some(mut table) = self.tables.pop() else {
            return Ok(());
        };
        // Cells after the last row end (a file cut short) make a last row.
        if !table.cell.trim().is_empty() {
            let cell = std::mem::take(&mut table.cell);
            table.cells.push(cell);
        }
        if !table.cells.is_empty() {
            let texts = std::mem::take(&mut table.cells);
            table.rows.push(Row { texts, def: None });
            self.document.diagnostic(Diagnostic::new(
                "row_unterminated",
                format!(
                    "the {}'s last table row has no row end mark; its cells were kept as a row",
                    self.what
                ),
            ));
        }
        let seq = table.seq;
        let state = lay_out(table.rows, self.what);
        let nested_text = (!self.tables.is_empty()).then(|| state.flattened_text());
        let (grid, diagnostics) = state.finish();
        let nested = nested_text.is_some();
        if let Some(text) = nested_text
            && let Some(outer) = self.tables.last_mut()
            && !text.is_empty()
        {
            append_line(&mut outer.cell, &text);
        }
        self.nested
            .finish(self.document, (seq, nested), (grid, diagnostics))
    }

    /// Closes whatever is open, and gives the document back for the reader's last words.
    pub(crate) fn finish(mut self) -> Result<&'d mut DocumentBuilder<'l>, ReadError> {
        while !self.tables.is_empty() {
            self.end_table()?;
        }
        Ok(self.document)
    }
}

/// Appends `text` to `sink` as a new line.
fn append_line(sink: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !sink.is_empty() && !sink.ends_with('\n') {
        sink.push('\n');
    }
    sink.push_str(text);
}

/// Lays the rows of a table out on the grid of all their cell edges.
fn lay_out(rows: Vec<Row>, what: &str) -> TableState {
    // The column edges: every edge any row states, sorted, without repeats.
    let mut edges: Vec<i32> = rows
        .iter()
        .filter_map(|row| row.def.as_ref())
        .flat_map(|def| std::iter::once(def.left).chain(def.cells.iter().map(|cell| cell.right)))
        .collect();
    edges.sort_unstable();
    edges.dedup();
    edges.truncate(MAX_COLUMNS + 1);
    let column = |edge: i32| edges.partition_point(|&known| known < edge);

    let mut state = TableState::new(0);
    let widest = rows.iter().map(|row| row.texts.len()).max().unwrap_or(0);
    let declared = edges.len().saturating_sub(1).max(widest).min(MAX_COLUMNS);
    for _ in 0..declared {
        state.add_grid_column();
    }
    let mut undefined_rows = 0usize;
    let mut mismatched_rows = 0usize;
    for row in rows {
        state.begin_row();
        let def = row.def.filter(edges_ascend);
        if def.is_none() {
            undefined_rows += 1;
        }
        if let Some(def) = &def
            && def.cells.len() != row.texts.len()
        {
            mismatched_rows += 1;
        }
        if let Some(def) = &def {
            state.set_grid_before(column(def.left));
        }
        let mut left = def.as_ref().map(|def| def.left);
        for (cell_index, text) in row.texts.into_iter().enumerate() {
            state.begin_cell(0);
            let cell_def = def.as_ref().and_then(|def| def.cells.get(cell_index));
            if let Some(open) = state.cell.as_mut() {
                open.text = text;
                if let (Some(cell_def), Some(from)) = (cell_def, left) {
                    let span = column(cell_def.right).saturating_sub(column(from));
                    open.grid_span = span.max(1);
                    open.h_merge = cell_def.h_merge;
                    open.v_merge = cell_def.v_merge;
                }
            }
            left = cell_def.map(|cell_def| cell_def.right);
            state.end_cell();
        }
        state.end_row();
    }
    if undefined_rows > 0 {
        state.diagnostics.push(Diagnostic::new(
            "row_layout_missing",
            format!(
                "{undefined_rows} table rows of the {what} state no cell widths; their cells \
                 were placed one per column from the left"
            ),
        ));
    }
    if mismatched_rows > 0 {
        state.diagnostics.push(Diagnostic::new(
            "row_layout_mismatch",
            format!(
                "{mismatched_rows} table rows of the {what} have a different number of cells \
                 than their cell widths; the cells past the widths were placed one per column"
            ),
        ));
    }
    state
}

/// True when every cell's right edge lies right of the edge before it.
fn edges_ascend(def: &RowDef) -> bool {
    let mut left = def.left;
    for cell in &def.cells {
        if cell.right <= left {
            return false;
        }
        left = cell.right;
    }
    !def.cells.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use jixiao_grid::Block;

    fn def(left: i32, rights: &[(i32, Merge, Merge)]) -> RowDef {
        RowDef {
            left,
            cells: rights
                .iter()
                .map(|&(right, h_merge, v_merge)| CellDef {
                    right,
                    h_merge,
                    v_merge,
                })
                .collect(),
        }
    }

    #[test]
    fn rows_with_different_edges_share_one_column_grid() {
        let limits = Limits::default();
        let mut document = limits.start();
        let mut flow = Flow::new(&mut document, "test document");
        flow.paragraph("  标题 ".to_string()).expect("ok");
        let none = Merge::None;
        // Row 1: two cells, 0–2000–6000. Row 2: three cells, 0–2000–4000–6000.
        flow.end_cell(1, "一级").expect("ok");
        flow.end_cell(1, "宽").expect("ok");
        flow.end_row(
            1,
            Some(def(0, &[(2000, none, Merge::Restart), (6000, none, none)])),
        )
        .expect("ok");
        flow.end_cell(1, "").expect("ok");
        flow.end_cell(1, "a").expect("ok");
        flow.end_cell(1, "b").expect("ok");
        flow.end_row(
            1,
            Some(def(
                0,
                &[
                    (2000, none, Merge::Continue),
                    (4000, none, none),
                    (6000, none, none),
                ],
            )),
        )
        .expect("ok");
        flow.paragraph("after".to_string()).expect("ok");
        flow.finish().expect("ok");
        let jixiao_grid::Document {
            blocks,
            diagnostics,
            ..
        } = document.finish();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(blocks.len(), 3);
        let Block::Table(grid) = &blocks[1] else {
            panic!("a table");
        };
        assert_eq!((grid.rows(), grid.cols()), (2, 3));
        let merged = grid.slot(1, 0).expect("covered").cell;
        assert_eq!((merged.text.as_str(), merged.row_span), ("一级", 2));
        let wide = grid.slot(0, 1).expect("wide").cell;
        assert_eq!((wide.text.as_str(), wide.col_span), ("宽", 2));
        assert_eq!(grid.slot(1, 2).expect("b").cell.text, "b");
    }

    #[test]
    fn nested_tables_are_flattened_and_follow_their_outer_table() {
        let limits = Limits::default();
        let mut document = limits.start();
        let mut flow = Flow::new(&mut document, "test document");
        flow.cell_paragraph(1, "outer").expect("ok");
        flow.end_cell(2, "3月底").expect("ok");
        flow.end_cell(2, "25%").expect("ok");
        flow.end_row(2, None).expect("ok");
        flow.end_cell(1, "").expect("ok");
        flow.end_row(1, None).expect("ok");
        flow.finish().expect("ok");
        let jixiao_grid::Document {
            blocks,
            diagnostics,
            ..
        } = document.finish();
        assert_eq!(blocks.len(), 2);
        let Block::Table(outer) = &blocks[0] else {
            panic!("a table");
        };
        assert_eq!(outer.cells()[0].text, "outer\n3月底 25%");
        let Block::Table(inner) = &blocks[1] else {
            panic!("a table");
        };
        assert_eq!(inner.cols(), 2);
        assert_eq!(inner.location.grid, Some(1));
        assert!(
            diagnostics.iter().all(|d| d.code == "row_layout_missing"),
            "{diagnostics:?}"
        );
    }
}
