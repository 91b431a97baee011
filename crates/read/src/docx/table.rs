//! One `w:tbl` while it is being read: where each cell sits on the table's grid, and which
//! cells a vertical or horizontal merge joins.
//!
//! Word stores a table row by row, each row a list of `w:tc` cells. A cell's column is not its
//! index in the row: it is `w:gridBefore` (grid columns left empty at the row's start) plus the
//! `w:gridSpan`s of the cells before it. A vertical merge is a `w:vMerge w:val="restart"` cell
//! followed, in the rows below, by `w:vMerge` cells (bare, or `w:val="continue"`) *at the same
//! grid column*; they are matched by that column, never by their index in the row, because rows
//! with a different number of cells are common. The merged cell becomes one [`Cell`] whose
//! `row_span` grows with each continuation.

use jixiao_grid::{Cell, Diagnostic, GridBuilder, Location};

use super::tidy;
use crate::{DocumentBuilder, ReadError};

/// The most grid columns a table may have. Word allows 63 and LibreOffice 1024; the cap only
/// keeps a hostile `w:gridSpan` or `w:gridBefore` from making the grid allocate without bound.
pub(crate) const MAX_COLUMNS: usize = 1024;

/// A merge mark on a cell (`w:vMerge` or the old `w:hMerge`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Merge {
    /// The cell is not part of a merge.
    #[default]
    None,
    /// The cell starts a merge (`w:val="restart"`).
    Restart,
    /// The cell continues the merge before it (bare element or `w:val="continue"`).
    Continue,
}

impl Merge {
    /// Reads a merge mark from its `w:val`. A missing value means "continue" in the standard.
    pub(crate) fn from_val(value: Option<&str>) -> Merge {
        match value.map(str::trim) {
            Some("restart") => Merge::Restart,
            _ => Merge::Continue,
        }
    }
}

/// The `w:tc` being read: its text so far and the properties from its `w:tcPr`.
#[derive(Debug, Default)]
pub(crate) struct OpenCell {
    pub text: String,
    /// `w:gridSpan`: how many grid columns the cell covers.
    pub grid_span: usize,
    pub v_merge: Merge,
    pub h_merge: Merge,
    /// How many fields were open when the cell began; fields cannot cross cell borders, so any
    /// left open at the cell's end are closed there.
    pub field_base: usize,
}

/// A table being read.
#[derive(Debug)]
pub(crate) struct TableState {
    /// The order in which the table began among the tables of its top-level table (0 for the
    /// top-level table itself), so nested tables can be emitted in document order.
    pub seq: usize,
    /// Cells placed so far, in reading order.
    cells: Vec<Cell>,
    pub diagnostics: Vec<Diagnostic>,
    /// Columns declared by `w:tblGrid`.
    pub grid_cols: usize,
    /// True while inside this table's `w:tblGrid`.
    pub in_grid: bool,
    /// The cell being read, if any.
    pub cell: Option<OpenCell>,
    /// Index of the current row in the grid (rows without cells do not count).
    row: usize,
    row_open: bool,
    /// Cells begun in the current row.
    row_cells: usize,
    /// True when the row is a tracked deletion (`w:trPr/w:del`): Word's final view drops it.
    row_deleted: bool,
    /// `w:gridBefore` of the current row.
    grid_before: usize,
    /// Grid column where the next cell of the row starts.
    cursor: usize,
    /// For each grid column, the index in `cells` of the last cell that began there; a vertical
    /// continuation looks here for its origin.
    column_origins: Vec<Option<usize>>,
    /// The last cell placed in the current row, for old-style `w:hMerge` continuations.
    last_in_row: Option<usize>,
    /// `w:tr` / `w:tc` starts met while one was already open (malformed markup); the matching
    /// ends are ignored so that the real row or cell is not closed early.
    stray_rows: usize,
    stray_cells: usize,
}

impl TableState {
    pub(crate) fn new(seq: usize) -> Self {
        TableState {
            seq,
            cells: Vec::new(),
            diagnostics: Vec::new(),
            grid_cols: 0,
            in_grid: false,
            cell: None,
            row: 0,
            row_open: false,
            row_cells: 0,
            row_deleted: false,
            grid_before: 0,
            cursor: 0,
            column_origins: Vec::new(),
            last_in_row: None,
            stray_rows: 0,
            stray_cells: 0,
        }
    }

    /// Counts one `w:gridCol` of the table's `w:tblGrid`.
    pub(crate) fn add_grid_column(&mut self) {
        if self.grid_cols < MAX_COLUMNS {
            self.grid_cols += 1;
        }
    }

    pub(crate) fn begin_row(&mut self) {
        if self.row_open {
            self.stray_rows += 1;
            return;
        }
        self.row_open = true;
        self.row_cells = 0;
        self.row_deleted = false;
        self.grid_before = 0;
        self.cursor = 0;
        self.last_in_row = None;
    }

    /// `w:gridBefore`: the row starts this many grid columns to the right.
    pub(crate) fn set_grid_before(&mut self, columns: usize) {
        if self.row_open && self.row_cells == 0 {
            self.grid_before = columns.min(MAX_COLUMNS);
        }
    }

    /// The row is a tracked deletion.
    pub(crate) fn delete_row(&mut self) {
        if self.row_open {
            self.row_deleted = true;
        }
    }

    pub(crate) fn end_row(&mut self) {
        if self.stray_rows > 0 {
            self.stray_rows -= 1;
            return;
        }
        if !self.row_open {
            return;
        }
        // A row with no cell of its own (only vertical continuations count as cells of the row)
        // adds nothing to the grid; it is dropped so that the rows below stay adjacent to the
        // merges above them.
        if self.row_cells > 0 && !self.row_deleted {
            self.row += 1;
        }
        self.row_open = false;
    }

    /// Starts a `w:tc`. A cell outside any row (malformed markup) opens a row of its own.
    pub(crate) fn begin_cell(&mut self, field_base: usize) {
        if self.cell.is_some() {
            self.stray_cells += 1;
            return;
        }
        if !self.row_open {
            self.begin_row();
        }
        if self.row_cells == 0 {
            self.cursor = self.grid_before;
        }
        self.row_cells += 1;
        self.cell = Some(OpenCell {
            grid_span: 1,
            field_base,
            ..OpenCell::default()
        });
    }

    /// True when a `w:tc` end closes the open cell, false when it belongs to a stray start.
    pub(crate) fn closes_cell(&mut self) -> bool {
        if self.stray_cells > 0 {
            self.stray_cells -= 1;
            return false;
        }
        self.cell.is_some()
    }

    /// Places the cell that just ended. Returns true when a new cell was added to the table
    /// (a continuation extends an existing one instead).
    pub(crate) fn end_cell(&mut self) -> bool {
        let Some(open) = self.cell.take() else {
            return false;
        };
        let col = self.cursor;
        let span = open.grid_span.clamp(1, MAX_COLUMNS);
        self.cursor = col.saturating_add(span).min(MAX_COLUMNS);
        if self.row_deleted {
            return false;
        }
        let text = tidy(open.text);
        let row = self.row;
        let at = Location {
            row: Some(row as u32),
            col: Some(col as u32),
            ..Location::default()
        };
        if col >= MAX_COLUMNS {
            if !text.is_empty() {
                self.diagnostics.push(
                    Diagnostic::loss(
                        "cell_dropped",
                        format!(
                            "row {}: a cell starts past grid column {MAX_COLUMNS}; its text \
                             \"{}\" was left out",
                            row + 1,
                            preview(&text)
                        ),
                    )
                    .at(at),
                );
            }
            return false;
        }
        let span = span.min(MAX_COLUMNS - col);

        if open.v_merge == Merge::Continue {
            if let Some(cell) = self
                .vertical_origin(col, span)
                .and_then(|origin| self.cells.get_mut(origin))
            {
                cell.row_span += 1;
                if !text.is_empty() {
                    // Word hides the text of a continuation cell; it is kept in the merged
                    // cell rather than lost.
                    if !cell.text.is_empty() {
                        cell.text.push('\n');
                    }
                    cell.text.push_str(&text);
                    self.diagnostics.push(
                        Diagnostic::new(
                            "merged_text_kept",
                            format!(
                                "row {} column {}: a cell continuing a vertical merge has text of \
                                 its own; it was added to the merged cell",
                                row + 1,
                                col + 1
                            ),
                        )
                        .at(at),
                    );
                }
                self.last_in_row = None;
                return false;
            }
            self.diagnostics.push(
                Diagnostic::new(
                    "merge_without_origin",
                    format!(
                        "row {} column {}: the cell continues a vertical merge, but no merge starts \
                         above it at that column; it was read as a cell of its own",
                        row + 1,
                        col + 1
                    ),
                )
                .at(at.clone()),
            );
        }

        if open.h_merge == Merge::Continue {
            let adjacent = self
                .last_in_row
                .and_then(|previous| self.cells.get_mut(previous))
                .filter(|cell| cell.row == row && cell.col + cell.col_span == col);
            if let Some(cell) = adjacent {
                cell.col_span += span;
                if !text.is_empty() {
                    if !cell.text.is_empty() {
                        cell.text.push('\n');
                    }
                    cell.text.push_str(&text);
                }
                return false;
            }
            self.diagnostics.push(
                Diagnostic::new(
                    "merge_without_origin",
                    format!(
                        "row {} column {}: the cell continues a horizontal merge, but no merge \
                         starts to its left; it was read as a cell of its own",
                        row + 1,
                        col + 1
                    ),
                )
                .at(at),
            );
        }

        let index = self.cells.len();
        self.cells
            .push(Cell::new(row, col, text).with_span(1, span));
        if self.column_origins.len() <= col {
            self.column_origins.resize(col + 1, None);
        }
        // Only a cell that starts a vertical merge can be continued below.
        if let Some(origin) = self.column_origins.get_mut(col) {
            *origin = (open.v_merge == Merge::Restart).then_some(index);
        }
        self.last_in_row = Some(index);
        true
    }

    /// The merged cell a vertical continuation at `col` extends: one that started a merge at
    /// the same grid column, is as wide, and reaches down to the row just above.
    fn vertical_origin(&self, col: usize, span: usize) -> Option<usize> {
        let index = (*self.column_origins.get(col)?)?;
        let cell = self.cells.get(index)?;
        (cell.col == col && cell.col_span == span && cell.row + cell.row_span == self.row)
            .then_some(index)
    }

    /// The table's text for the cell of an outer table that holds it: one line per row, the
    /// cells of a row separated by a space. The nested table is also emitted as a grid of its
    /// own, so nothing of its structure is lost by flattening it here.
    pub(crate) fn flattened_text(&self) -> String {
        let mut out = String::new();
        let mut current_row = None;
        for cell in &self.cells {
            if cell.text.is_empty() {
                continue;
            }
            match current_row {
                Some(row) if row == cell.row => out.push(' '),
                Some(_) => out.push('\n'),
                None => {}
            }
            current_row = Some(cell.row);
            for (index, line) in cell.text.lines().enumerate() {
                if index > 0 {
                    out.push(' ');
                }
                out.push_str(line);
            }
        }
        out
    }

    /// The grid's cells, ready to build, and the repairs made to them. `None` for a table
    /// without a single cell, with a diagnostic.
    pub(crate) fn finish(mut self) -> (Option<GridBuilder>, Vec<Diagnostic>) {
        if self.cell.is_some() {
            self.end_cell();
        }
        if self.cells.is_empty() {
            self.diagnostics.push(Diagnostic::new(
                "empty_table",
                "a table without cells was skipped",
            ));
            return (None, self.diagnostics);
        }
        // Spans are cut to the columns where cells start. Past the columns the table declares
        // that is a repair worth reporting; within them, it only drops trailing grid columns
        // (thin spacer columns in the `w:tblGrid`) that no cell starts in and that carry no text.
        let used = self
            .cells
            .iter()
            .map(|cell| cell.col + 1)
            .max()
            .unwrap_or(0);
        let declared = self.grid_cols.max(used);
        for cell in &self.cells {
            if cell.col + cell.col_span > declared {
                self.diagnostics.push(
                    Diagnostic::new(
                        "span_clamped",
                        format!(
                            "row {} column {}: the cell spans {} grid columns, past the table's \
                             {declared}; it was cut to the table's width",
                            cell.row + 1,
                            cell.col + 1,
                            cell.col_span
                        ),
                    )
                    .at(Location {
                        row: Some(cell.row as u32),
                        col: Some(cell.col as u32),
                        ..Location::default()
                    }),
                );
            }
        }
        GridBuilder::fit_columns(&mut self.cells);
        let mut builder = GridBuilder::new();
        for cell in self.cells {
            builder.push(cell);
        }
        (Some(builder), self.diagnostics)
    }
}

/// The start of a text for a message.
fn preview(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The tables nested in the open top-level table of a Word document: their numbering, and the
/// finished ones with their repairs, in the order they began. Shared by the .docx, .doc and
/// RTF readers: a nested grid is added right after its top-level table, as Word shows it.
#[derive(Debug, Default)]
pub(crate) struct NestedTables {
    waiting: Vec<(usize, GridBuilder, Vec<Diagnostic>)>,
    /// Tables begun so far inside the open top-level table.
    begun: usize,
}

impl NestedTables {
    /// Numbers a table that begins while `open` tables are open: 0 for a top-level table,
    /// then 1, 2, … for the tables begun inside it, in the order they began.
    pub(crate) fn begin(&mut self, open: usize) -> usize {
        if open == 0 {
            self.begun = 0;
        } else {
            self.begun += 1;
        }
        self.begun
    }

    /// Adds a finished table: a nested one (`nested`) waits for its top-level table, a
    /// top-level one is added to the document at once, the nested ones after it. A table
    /// without cells leaves only its diagnostics.
    pub(crate) fn finish(
        &mut self,
        document: &mut DocumentBuilder<'_>,
        (seq, nested): (usize, bool),
        (grid, diagnostics): (Option<GridBuilder>, Vec<Diagnostic>),
    ) -> Result<(), ReadError> {
        let Some(grid) = grid else {
            document.diagnostics(diagnostics);
            return Ok(());
        };
        if nested {
            self.waiting.push((seq, grid, diagnostics));
            return Ok(());
        }
        document.grid_with(grid, Location::default(), diagnostics)?;
        let mut waiting = std::mem::take(&mut self.waiting);
        waiting.sort_by_key(|(seq, _, _)| *seq);
        for (_, grid, diagnostics) in waiting {
            document.grid_with(grid, Location::default(), diagnostics)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds one row of cells given as (grid span, vertical merge, text).
    fn row(table: &mut TableState, cells: &[(usize, Merge, &str)]) {
        table.begin_row();
        for &(span, merge, text) in cells {
            table.begin_cell(0);
            let cell = table.cell.as_mut().expect("open");
            cell.grid_span = span;
            cell.v_merge = merge;
            cell.text.push_str(text);
            table.end_cell();
        }
        table.end_row();
    }

    #[test]
    fn continuation_matches_the_origin_by_grid_column_not_by_index() {
        let mut table = TableState::new(0);
        row(
            &mut table,
            &[
                (1, Merge::None, "a"),
                (1, Merge::Restart, "产出指标"),
                (1, Merge::None, "b"),
            ],
        );
        // This row has one cell fewer before the continuation: a gridBefore of 1 puts the
        // continuation at grid column 1, where the merge started, although it is the row's
        // first cell.
        table.begin_row();
        table.set_grid_before(1);
        table.begin_cell(0);
        table.cell.as_mut().expect("open").v_merge = Merge::Continue;
        table.end_cell();
        table.begin_cell(0);
        table.cell.as_mut().expect("open").text.push('c');
        table.end_cell();
        table.end_row();
        let (builder, diagnostics) = table.finish();
        let (grid, built) = builder.expect("grid").build(Location::default());
        assert!(
            diagnostics.is_empty() && built.is_empty(),
            "{diagnostics:?} {built:?}"
        );
        let merged = grid.slot(1, 1).expect("covered").cell;
        assert_eq!(
            (merged.text.as_str(), merged.row, merged.row_span),
            ("产出指标", 0, 2)
        );
        assert_eq!(grid.slot(1, 2).expect("c").cell.text, "c");
        assert!(grid.slot(1, 0).is_none());
    }

    #[test]
    fn flattened_text_has_one_line_per_row() {
        let mut table = TableState::new(1);
        row(
            &mut table,
            &[(1, Merge::None, "3月底"), (1, Merge::None, "25%")],
        );
        row(
            &mut table,
            &[
                (1, Merge::None, "6月底"),
                (1, Merge::None, "第一行\n第二行"),
            ],
        );
        assert_eq!(table.flattened_text(), "3月底 25%\n6月底 第一行 第二行");
    }

    #[test]
    fn deleted_and_cell_less_rows_take_no_grid_row() {
        let mut table = TableState::new(0);
        row(
            &mut table,
            &[(1, Merge::Restart, "一级"), (1, Merge::None, "a")],
        );
        table.begin_row();
        table.delete_row();
        table.begin_cell(0);
        table.cell.as_mut().expect("open").text.push_str("deleted");
        table.end_cell();
        table.end_row();
        table.begin_row();
        table.end_row();
        row(
            &mut table,
            &[(1, Merge::Continue, ""), (1, Merge::None, "b")],
        );
        let (builder, diagnostics) = table.finish();
        let (grid, built) = builder.expect("grid").build(Location::default());
        assert!(
            diagnostics.is_empty() && built.is_empty(),
            "{diagnostics:?} {built:?}"
        );
        assert_eq!(grid.rows(), 2);
        assert_eq!(grid.cells()[0].row_span, 2);
        assert_eq!(grid.slot(1, 1).expect("b").cell.text, "b");
    }
}
