//! Building a [`Grid`] from cells placed by a reader, keeping the grid's invariants.

use crate::{Cell, Diagnostic, Grid, Location, NONE};

/// The most slots (rows × columns) one grid may have. Readers cap their input well below this;
/// the builder enforces it so that no input can make it allocate without bound.
pub const MAX_SLOTS: usize = 1 << 24;

/// Collects cells in any order and builds a [`Grid`] whose invariants hold.
///
/// Readers state where each cell starts and how far it spans; the builder sorts the cells,
/// clamps spans that overrun the table, and resolves overlaps. Every such repair is reported
/// as a [`Diagnostic`], never done silently.
#[derive(Debug, Default)]
pub struct GridBuilder {
    cells: Vec<Cell>,
}

impl GridBuilder {
    pub fn new() -> Self {
        GridBuilder::default()
    }

    /// Adds a cell. Spans of 0 are read as 1.
    pub fn push(&mut self, cell: Cell) {
        self.cells.push(cell);
    }

    /// Number of cells pushed so far.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Cuts column spans at the last column where a cell starts, as [`GridBuilder::build`]
    /// does, but without a diagnostic: for readers whose format makes such an overrun
    /// ordinary rather than a fault (trailing spacer columns of a Word table, an HTML span
    /// past the table's edge). A reader that does call it a fault reports it itself.
    pub fn fit_columns(cells: &mut [Cell]) {
        let width = cells.iter().map(|cell| cell.col + 1).max().unwrap_or(0);
        for cell in cells {
            cell.col_span = cell.col_span.min(width - cell.col);
        }
    }

    /// As [`GridBuilder::fit_columns`], for row spans past the last row where a cell starts
    /// (an HTML `rowspan` running past its row group).
    pub fn fit_rows(cells: &mut [Cell]) {
        let height = cells.iter().map(|cell| cell.row + 1).max().unwrap_or(0);
        for cell in cells {
            cell.row_span = cell.row_span.min(height - cell.row);
        }
    }

    /// Builds the grid.
    ///
    /// - The grid has as many rows as the lowest cell origin needs and as many columns as the
    ///   rightmost cell origin needs; spans that reach past those are clamped (`span_clamped`).
    /// - A cell whose origin is already covered moves right to the next free slot of its row
    ///   (`cell_moved`), as the HTML table algorithm does; a span that would cover an occupied
    ///   slot is shortened (`span_clamped`).
    /// - Rows past [`MAX_SLOTS`] are dropped (`grid_truncated`).
    pub fn build(self, location: Location) -> (Grid, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut cells = self.cells;
        cells.sort_by_key(|cell| (cell.row, cell.col));
        for cell in &mut cells {
            cell.row_span = cell.row_span.max(1);
            cell.col_span = cell.col_span.max(1);
        }

        let mut rows = cells.iter().map(|cell| cell.row + 1).max().unwrap_or(0);
        let mut cols = cells.iter().map(|cell| cell.col + 1).max().unwrap_or(0);
        if cols > 0 && rows.saturating_mul(cols) > MAX_SLOTS {
            let keep_rows = (MAX_SLOTS / cols).max(1);
            let dropped = cells.iter().filter(|cell| cell.row >= keep_rows).count();
            cells.retain(|cell| cell.row < keep_rows);
            diagnostics.push(
                Diagnostic::loss(
                    "grid_truncated",
                    format!(
                        "the table has {rows} rows × {cols} columns; only the first {keep_rows} rows \
                         were kept ({dropped} cells dropped)"
                    ),
                )
                .at(location.clone()),
            );
            rows = keep_rows;
            cols = cells.iter().map(|cell| cell.col + 1).max().unwrap_or(0);
        }

        let mut slots = vec![NONE; rows * cols];
        let mut placed: Vec<Cell> = Vec::with_capacity(cells.len());
        for mut cell in cells {
            // Find a free origin on the cell's row.
            let mut col = cell.col;
            while col < cols && slots[cell.row * cols + col] != NONE {
                col += 1;
            }
            if col >= cols {
                // No room left on this row: keep the text by appending it to the last cell
                // that covers the row's end, so nothing is lost silently.
                let index = slots[cell.row * cols + cols - 1] as usize;
                let host = &mut placed[index];
                if !cell.text.is_empty() {
                    if !host.text.is_empty() {
                        host.text.push('\n');
                    }
                    host.text.push_str(&cell.text);
                }
                diagnostics.push(
                    Diagnostic::new(
                        "cell_merged",
                        format!(
                            "row {} column {}: the cell overlaps cells already placed; its text was \
                             appended to the cell at row {} column {}",
                            cell.row + 1,
                            cell.col + 1,
                            host.row + 1,
                            host.col + 1
                        ),
                    )
                    .at(location.clone()),
                );
                continue;
            }
            if col != cell.col {
                diagnostics.push(
                    Diagnostic::new(
                        "cell_moved",
                        format!(
                            "row {} column {}: the slot is already covered by a merged cell; the \
                             cell moved to column {}",
                            cell.row + 1,
                            cell.col + 1,
                            col + 1
                        ),
                    )
                    .at(location.clone()),
                );
                cell.col = col;
            }

            // Clamp the span to the grid and to the slots still free.
            let (wanted_rows, wanted_cols) = (cell.row_span, cell.col_span);
            let mut col_span = wanted_cols.min(cols - cell.col);
            for offset in 1..col_span {
                if slots[cell.row * cols + cell.col + offset] != NONE {
                    col_span = offset;
                    break;
                }
            }
            let mut row_span = wanted_rows.min(rows - cell.row);
            'rows: for row_offset in 1..row_span {
                for offset in 0..col_span {
                    if slots[(cell.row + row_offset) * cols + cell.col + offset] != NONE {
                        row_span = row_offset;
                        break 'rows;
                    }
                }
            }
            if (row_span, col_span) != (wanted_rows, wanted_cols) {
                diagnostics.push(
                    Diagnostic::new(
                        "span_clamped",
                        format!(
                            "row {} column {}: a {wanted_rows}×{wanted_cols} merged cell reaches past \
                             the table or over other cells; it was cut to {row_span}×{col_span}",
                            cell.row + 1,
                            cell.col + 1
                        ),
                    )
                    .at(location.clone()),
                );
            }
            cell.row_span = row_span;
            cell.col_span = col_span;

            let index = u32::try_from(placed.len()).unwrap_or(NONE - 1);
            for row in cell.row..cell.row + row_span {
                for col in cell.col..cell.col + col_span {
                    slots[row * cols + col] = index;
                }
            }
            placed.push(cell);
        }
        // Moving cells right may have broken the (row, col) order.
        let needs_sort = placed
            .windows(2)
            .any(|pair| (pair[0].row, pair[0].col) > (pair[1].row, pair[1].col));
        if needs_sort {
            let mut order: Vec<usize> = (0..placed.len()).collect();
            order.sort_by_key(|&index| (placed[index].row, placed[index].col));
            let mut remap = vec![0u32; placed.len()];
            for (new, &old) in order.iter().enumerate() {
                remap[old] = new as u32;
            }
            for slot in &mut slots {
                if *slot != NONE {
                    *slot = remap[*slot as usize];
                }
            }
            let mut sorted: Vec<Option<Cell>> = placed.into_iter().map(Some).collect();
            placed = order
                .iter()
                .filter_map(|&index| sorted[index].take())
                .collect();
        }

        let grid = Grid {
            rows,
            cols,
            cells: placed,
            slots,
            location,
        };
        (grid, diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(cells: Vec<Cell>) -> (Grid, Vec<Diagnostic>) {
        let mut builder = GridBuilder::new();
        for cell in cells {
            builder.push(cell);
        }
        builder.build(Location::default())
    }

    #[test]
    fn vertical_merge_covers_the_slots_below() {
        let (grid, diagnostics) = build(vec![
            Cell::new(0, 0, "产出指标").with_span(3, 1),
            Cell::new(0, 1, "数量指标"),
            Cell::new(1, 1, "质量指标"),
            Cell::new(2, 1, "时效指标"),
        ]);
        assert!(diagnostics.is_empty());
        for row in 0..3 {
            let slot = grid.slot(row, 0).expect("covered");
            assert_eq!(slot.cell.text, "产出指标");
            assert_eq!(slot.is_origin, row == 0);
        }
        assert_eq!(grid.row_cells(1).len(), 1);
        assert_eq!(grid.row_cells(1)[0].text, "质量指标");
    }

    #[test]
    fn fitting_cuts_spans_to_the_origins_without_a_diagnostic() {
        let mut cells = vec![Cell::new(0, 0, "a").with_span(5, 4), Cell::new(1, 1, "b")];
        GridBuilder::fit_columns(&mut cells);
        assert_eq!((cells[0].row_span, cells[0].col_span), (5, 2));
        GridBuilder::fit_rows(&mut cells);
        assert_eq!((cells[0].row_span, cells[0].col_span), (2, 2));
    }

    #[test]
    fn span_past_the_last_row_is_clamped_and_reported() {
        let (grid, diagnostics) = build(vec![
            Cell::new(0, 0, "a").with_span(40, 1),
            Cell::new(1, 1, "b"),
        ]);
        assert_eq!(grid.rows(), 2);
        assert_eq!(grid.cells()[0].row_span, 2);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "span_clamped");
    }

    #[test]
    fn colliding_cell_moves_right_and_keeps_order() {
        let (grid, diagnostics) = build(vec![
            Cell::new(0, 0, "wide").with_span(2, 2),
            Cell::new(1, 0, "collides"),
            Cell::new(1, 3, "last"),
        ]);
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["cell_moved"]);
        let row: Vec<_> = grid
            .row_cells(1)
            .iter()
            .map(|c| (c.col, c.text.as_str()))
            .collect();
        assert_eq!(row, [(2, "collides"), (3, "last")]);
        assert_eq!(grid.slot(1, 2).expect("covered").cell.text, "collides");
    }

    #[test]
    fn cell_with_no_room_left_is_appended_not_lost() {
        let (grid, diagnostics) = build(vec![
            Cell::new(0, 0, "whole row").with_span(1, 2),
            Cell::new(0, 1, "extra"),
        ]);
        assert_eq!(diagnostics[0].code, "cell_merged");
        assert_eq!(grid.cells().len(), 1);
        assert_eq!(grid.cells()[0].text, "whole row\nextra");
    }

    #[test]
    fn zero_spans_read_as_one_and_empty_builder_gives_empty_grid() {
        let (grid, diagnostics) = build(vec![Cell::new(0, 0, "x").with_span(0, 0)]);
        assert!(diagnostics.is_empty());
        assert_eq!((grid.rows(), grid.cols()), (1, 1));
        let (empty, _) = build(Vec::new());
        assert_eq!((empty.rows(), empty.cols()), (0, 0));
        assert!(empty.slot(0, 0).is_none());
        assert!(empty.is_blank());
    }

    #[test]
    fn enormous_grid_is_truncated_not_allocated() {
        let (grid, diagnostics) = build(vec![
            Cell::new(0, 0, "a"),
            Cell::new(0, 9999, "b"),
            Cell::new(100_000, 0, "c"),
        ]);
        assert!(grid.rows() * grid.cols() <= MAX_SLOTS);
        assert_eq!(diagnostics[0].code, "grid_truncated");
        assert_eq!(grid.cells().len(), 2);
    }
}
