//! From a sheet's cells and merged regions to grids.
//!
//! A sheet often holds several tables one under another (or a document's prose in merged
//! rows above its tables). Rows that hold no value and no merged region split the sheet into
//! blocks, one grid each; a merged region never crosses such a split because its rows are not
//! empty. Inside a block every slot gets a cell (an empty one where the sheet has nothing), so
//! that grids look like the tables of the other formats.
//!
//! Merged regions are absolute and inclusive, may reach past the cells that have values, and
//! only their top-left cell has a value in files written by Excel. A value hidden under a merge
//! elsewhere is moved to the merge when the top-left cell is empty, and reported either way.

use jixiao_grid::{Cell, Diagnostic, GridBuilder, Location};

use crate::{DocumentBuilder, ReadError};

/// A cell with a value, at its absolute sheet position (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SheetCell {
    pub row: u32,
    pub col: u32,
    pub text: String,
}

/// A merged region, absolute and inclusive (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Region {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

impl Region {
    pub fn new(start: (u32, u32), end: (u32, u32)) -> Self {
        Region {
            first_row: start.0.min(end.0),
            first_col: start.1.min(end.1),
            last_row: start.0.max(end.0),
            last_col: start.1.max(end.1),
        }
    }

    fn is_single_cell(&self) -> bool {
        self.first_row == self.last_row && self.first_col == self.last_col
    }
}

/// Slots of the grid being built: which merge or cell covers each.
const FREE: u32 = u32::MAX;

/// Most empty columns kept side by side in a grid. A longer run of columns with no value and
/// no merge (a lone cell far to the right, at `XFD1`, say) becomes one empty column, so that a
/// grid's memory follows the cells the sheet holds, not how far apart they lie.
const MAX_EMPTY_COLUMNS: u32 = 64;

/// Where the columns of a sheet went when long empty runs were collapsed: the grid column
/// and the sheet column of every column that holds a cell or a merge's edge, in order.
#[derive(Debug, Default)]
struct ColumnMap {
    keys: Vec<(u32, u32)>,
    /// Empty columns left out, and the first run's sheet columns (before, after), for the note.
    dropped: u64,
    first_gap: Option<(u32, u32)>,
}

impl ColumnMap {
    /// Collapses runs of more than [`MAX_EMPTY_COLUMNS`] empty columns in place.
    fn compress(cells: &mut [SheetCell], merges: &mut [Region]) -> ColumnMap {
        let mut originals: Vec<u32> = cells
            .iter()
            .map(|cell| cell.col)
            .chain(merges.iter().flat_map(|m| [m.first_col, m.last_col]))
            .collect();
        originals.sort_unstable();
        originals.dedup();
        let mut map = ColumnMap::default();
        let mut previous: Option<(u32, u32)> = None;
        for &original in &originals {
            let new = match previous {
                None => original,
                Some((new, old)) => {
                    let gap = original - old - 1;
                    if gap > MAX_EMPTY_COLUMNS {
                        map.dropped += u64::from(gap - 1);
                        map.first_gap.get_or_insert((old, original));
                        new + 2
                    } else {
                        new + gap + 1
                    }
                }
            };
            map.keys.push((new, original));
            previous = Some((new, original));
        }
        if map.dropped > 0 {
            let to_new = |col: u32| {
                let index = originals.partition_point(|&key| key < col);
                map.keys.get(index).map_or(col, |&(new, _)| new)
            };
            for cell in cells.iter_mut() {
                cell.col = to_new(cell.col);
            }
            for merge in merges.iter_mut() {
                merge.first_col = to_new(merge.first_col);
                merge.last_col = to_new(merge.last_col);
            }
        }
        map
    }

    /// The sheet column of a grid column.
    fn original(&self, col: u32) -> u32 {
        let index = self.keys.partition_point(|&(new, _)| new <= col);
        match index.checked_sub(1).and_then(|index| self.keys.get(index)) {
            Some(&(new, original)) => original.saturating_add(col - new),
            None => col,
        }
    }

    /// A cell reference in sheet columns.
    fn a1(&self, row: u32, col: u32) -> String {
        a1(row, self.original(col))
    }

    fn note(&self, sheet: &str) -> Option<Diagnostic> {
        let (before, after) = self.first_gap?;
        Some(Diagnostic::new(
            "empty_columns_collapsed",
            format!(
                "sheet {sheet}: {} empty columns (the first run between columns {} and {}) were \
                 left out of its grids; they hold no value",
                self.dropped,
                column_name(before),
                column_name(after)
            ),
        ))
    }
}

/// A column's letters: `A`, `AB`, `XFD`.
fn column_name(col: u32) -> String {
    let reference = a1(0, col);
    reference.trim_end_matches('1').to_string()
}

/// Cuts a sheet into grids and adds them to the document. Each grid's area (rows × columns)
/// is reserved from the cell budget (`--max-cells`) before its slots are allocated. Grid
/// locations carry the sheet name.
pub(super) fn sheet_grids(
    sheet: &str,
    mut cells: Vec<SheetCell>,
    merges: Vec<Region>,
    document: &mut DocumentBuilder<'_>,
) -> Result<(), ReadError> {
    cells.retain(|cell| !cell.text.is_empty());
    cells.sort_by_key(|cell| (cell.row, cell.col));
    cells.dedup_by_key(|cell| (cell.row, cell.col));
    let mut merges: Vec<Region> = merges
        .into_iter()
        .filter(|region| !region.is_single_cell())
        .collect();
    merges.sort_by_key(|region| (region.first_row, region.first_col));
    merges.dedup();
    let columns = ColumnMap::compress(&mut cells, &mut merges);
    document.diagnostics(columns.note(sheet));

    // Row intervals of everything that is not empty, joined where they touch or overlap.
    let mut spans: Vec<(u32, u32)> = cells
        .iter()
        .map(|cell| (cell.row, cell.row))
        .chain(merges.iter().map(|m| (m.first_row, m.last_row)))
        .collect();
    spans.sort_unstable();
    let mut blocks: Vec<(u32, u32)> = Vec::new();
    for (top, bottom) in spans {
        match blocks.last_mut() {
            Some(last) if top <= last.1.saturating_add(1) => last.1 = last.1.max(bottom),
            _ => blocks.push((top, bottom)),
        }
    }

    let mut cell_start = 0;
    let mut merge_start = 0;
    for (top, bottom) in blocks {
        let cell_end = cell_start + cells[cell_start..].partition_point(|c| c.row <= bottom);
        let merge_end =
            merge_start + merges[merge_start..].partition_point(|m| m.first_row <= bottom);
        let block = Block {
            sheet,
            columns: &columns,
            top,
            bottom,
            cells: &cells[cell_start..cell_end],
            merges: &merges[merge_start..merge_end],
        };
        cell_start = cell_end;
        merge_start = merge_end;
        let location = Location {
            sheet: Some(sheet.to_string()),
            grid: Some(document.next_grid()),
            ..Location::default()
        };
        if let Some(builder) = block.build(document, &location)? {
            document.grid(builder, location)?;
        }
    }
    Ok(())
}

struct Block<'a> {
    sheet: &'a str,
    columns: &'a ColumnMap,
    top: u32,
    bottom: u32,
    cells: &'a [SheetCell],
    merges: &'a [Region],
}

impl Block<'_> {
    /// The grid's cells, ready to build; `None` for a block without values.
    fn build(
        &self,
        document: &mut DocumentBuilder<'_>,
        location: &Location,
    ) -> Result<Option<GridBuilder>, ReadError> {
        if self.cells.is_empty() {
            // Merged regions without any value: formatting only.
            return Ok(None);
        }
        let mut merges: Vec<Region> = self.merges.to_vec();
        let (mut left, mut right) = column_bounds(self.cells, &merges);
        let (mut top, mut bottom) = (self.top, self.bottom);
        let area = |top: u32, bottom: u32, left: u32, right: u32| {
            (bottom - top + 1) as u64 * (right - left + 1) as u64
        };
        let budget = document.cells_left() as u64;
        if area(top, bottom, left, right) > budget {
            // Merged regions reaching far past the values (a whole column merged, say) would
            // make the grid huge; keep them inside the rectangle of the values.
            let value_top = self.cells.iter().map(|c| c.row).min().unwrap_or(top);
            let value_bottom = self.cells.iter().map(|c| c.row).max().unwrap_or(bottom);
            let value_left = self.cells.iter().map(|c| c.col).min().unwrap_or(left);
            let value_right = self.cells.iter().map(|c| c.col).max().unwrap_or(right);
            merges.retain_mut(|m| {
                if m.first_row > value_bottom
                    || m.last_row < value_top
                    || m.first_col > value_right
                    || m.last_col < value_left
                {
                    return false;
                }
                m.first_row = m.first_row.max(value_top);
                m.last_row = m.last_row.min(value_bottom);
                m.first_col = m.first_col.max(value_left);
                m.last_col = m.last_col.min(value_right);
                true
            });
            (top, bottom, left, right) = (value_top, value_bottom, value_left, value_right);
            document.diagnostic(
                Diagnostic::new(
                    "merge_clamped",
                    format!(
                        "sheet {}: merged regions reaching far past the cells were cut to the \
                         cells' extent",
                        self.sheet
                    ),
                )
                .at(location.clone()),
            );
            if area(top, bottom, left, right) > budget {
                return Err(ReadError::TooLarge(format!(
                    "sheet {} holds a table of {} cells, more than the cells left under the \
                     limit (raise with --max-cells)",
                    self.sheet,
                    area(top, bottom, left, right)
                )));
            }
        }
        let rows = (bottom - top + 1) as usize;
        let cols = (right - left + 1) as usize;
        let index = |row: u32, col: u32| (row - top) as usize * cols + (col - left) as usize;

        // Place the merges; one that starts on a slot already covered overlaps another and is
        // dropped, one that runs into covered slots is shortened, as Excel itself would refuse
        // such overlaps.
        let mut slots = vec![FREE; rows * cols];
        let mut placed: Vec<Region> = Vec::with_capacity(merges.len());
        for merge in merges {
            if slots[index(merge.first_row, merge.first_col)] != FREE {
                document.diagnostic(
                    Diagnostic::new(
                        "merge_overlap",
                        format!(
                            "sheet {}: the merged region at {} overlaps another and was ignored",
                            self.sheet,
                            self.columns.a1(merge.first_row, merge.first_col)
                        ),
                    )
                    .at(location.clone()),
                );
                continue;
            }
            let mut last_col = merge.last_col;
            for col in merge.first_col + 1..=merge.last_col {
                if slots[index(merge.first_row, col)] != FREE {
                    last_col = col - 1;
                    break;
                }
            }
            let mut last_row = merge.last_row;
            'rows: for row in merge.first_row + 1..=merge.last_row {
                for col in merge.first_col..=last_col {
                    if slots[index(row, col)] != FREE {
                        last_row = row - 1;
                        break 'rows;
                    }
                }
            }
            let id = placed.len() as u32;
            for row in merge.first_row..=last_row {
                for col in merge.first_col..=last_col {
                    slots[index(row, col)] = id;
                }
            }
            placed.push(Region {
                last_row,
                last_col,
                ..merge
            });
        }

        // Texts of merges, and of plain cells.
        let mut merge_text: Vec<Option<String>> = vec![None; placed.len()];
        let mut plain: Vec<&SheetCell> = Vec::with_capacity(self.cells.len());
        for cell in self.cells {
            if cell.row < top || cell.row > bottom || cell.col < left || cell.col > right {
                continue;
            }
            let slot = slots[index(cell.row, cell.col)];
            if slot == FREE {
                plain.push(cell);
                continue;
            }
            let merge = placed[slot as usize];
            let is_origin = (cell.row, cell.col) == (merge.first_row, merge.first_col);
            let text = &mut merge_text[slot as usize];
            if is_origin {
                *text = Some(cell.text.clone());
            } else if text.is_none() {
                // Cells are in row order, so the top-left cell would have come first: the
                // merge shows nothing in Excel, yet the file holds this value under it.
                *text = Some(cell.text.clone());
                document.diagnostic(
                    Diagnostic::new(
                        "merged_value_moved",
                        format!(
                            "sheet {}: cell {} lies under the merged region at {} whose first \
                             cell is empty; its value was given to the merged cell",
                            self.sheet,
                            self.columns.a1(cell.row, cell.col),
                            self.columns.a1(merge.first_row, merge.first_col)
                        ),
                    )
                    .at(location.clone()),
                );
            } else {
                document.diagnostic(
                    Diagnostic::new(
                        "hidden_value",
                        format!(
                            "sheet {}: cell {} lies under the merged region at {}; Excel does \
                             not show its value ({:?}), so it was left out",
                            self.sheet,
                            self.columns.a1(cell.row, cell.col),
                            self.columns.a1(merge.first_row, merge.first_col),
                            cell.text
                        ),
                    )
                    .at(location.clone()),
                );
            }
        }

        // Trim the rows and columns at the edges that hold no value (empty merges only).
        let mut content_rows: Option<(u32, u32)> = None;
        let mut content_cols: Option<(u32, u32)> = None;
        let mut include = |first_row: u32, last_row: u32, first_col: u32, last_col: u32| {
            content_rows = Some(match content_rows {
                Some((a, b)) => (a.min(first_row), b.max(last_row)),
                None => (first_row, last_row),
            });
            content_cols = Some(match content_cols {
                Some((a, b)) => (a.min(first_col), b.max(last_col)),
                None => (first_col, last_col),
            });
        };
        for cell in &plain {
            include(cell.row, cell.row, cell.col, cell.col);
        }
        for (merge, text) in placed.iter().zip(&merge_text) {
            if text.is_some() {
                include(
                    merge.first_row,
                    merge.last_row,
                    merge.first_col,
                    merge.last_col,
                );
            }
        }
        let (Some((grid_top, grid_bottom)), Some((grid_left, grid_right))) =
            (content_rows, content_cols)
        else {
            return Ok(None);
        };
        let grid_rows = (grid_bottom - grid_top + 1) as usize;
        let grid_cols = (grid_right - grid_left + 1) as usize;
        document.reserve(grid_rows * grid_cols)?;

        let mut out: Vec<Cell> = Vec::with_capacity(grid_rows * grid_cols);
        for (merge, text) in placed.iter().zip(merge_text) {
            let first_row = merge.first_row.max(grid_top);
            let last_row = merge.last_row.min(grid_bottom);
            let first_col = merge.first_col.max(grid_left);
            let last_col = merge.last_col.min(grid_right);
            if first_row > last_row || first_col > last_col {
                continue;
            }
            out.push(
                Cell::new(
                    (first_row - grid_top) as usize,
                    (first_col - grid_left) as usize,
                    text.unwrap_or_default(),
                )
                .with_span(
                    (last_row - first_row + 1) as usize,
                    (last_col - first_col + 1) as usize,
                ),
            );
        }
        for cell in &plain {
            slots[index(cell.row, cell.col)] = FREE - 1;
            out.push(Cell::new(
                (cell.row - grid_top) as usize,
                (cell.col - grid_left) as usize,
                cell.text.clone(),
            ));
        }
        for row in grid_top..=grid_bottom {
            for col in grid_left..=grid_right {
                if slots[index(row, col)] == FREE {
                    out.push(Cell::new(
                        (row - grid_top) as usize,
                        (col - grid_left) as usize,
                        "",
                    ));
                }
            }
        }
        // A grid is as large as its cell origins reach; columns or rows covered only by a
        // merge that ran past the last origin add nothing, so the merge stops there.
        GridBuilder::fit_columns(&mut out);
        GridBuilder::fit_rows(&mut out);
        let mut builder = GridBuilder::new();
        for cell in out {
            builder.push(cell);
        }
        Ok(Some(builder))
    }
}

/// The leftmost and rightmost columns of the cells and merges of a block.
fn column_bounds(cells: &[SheetCell], merges: &[Region]) -> (u32, u32) {
    let left = cells
        .iter()
        .map(|c| c.col)
        .chain(merges.iter().map(|m| m.first_col))
        .min()
        .unwrap_or(0);
    let right = cells
        .iter()
        .map(|c| c.col)
        .chain(merges.iter().map(|m| m.last_col))
        .max()
        .unwrap_or(0);
    (left, right)
}

/// A cell reference as users know it: `A1`, `AB12`.
pub(super) fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col as u64 + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        row as u64 + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_grid::Grid;

    fn cell(row: u32, col: u32, text: &str) -> SheetCell {
        SheetCell {
            row,
            col,
            text: text.to_string(),
        }
    }

    /// The grids of one sheet and the diagnostics, under a budget of `max_cells`.
    fn sheet(
        cells: Vec<SheetCell>,
        merges: Vec<Region>,
        max_cells: usize,
    ) -> Result<(Vec<Grid>, Vec<Diagnostic>), ReadError> {
        let limits = crate::Limits {
            max_cells,
            ..crate::Limits::default()
        };
        let mut document = limits.start();
        sheet_grids("S", cells, merges, &mut document)?;
        let document = document.finish();
        let grids = document.grids().cloned().collect();
        Ok((grids, document.diagnostics))
    }

    fn grids(cells: Vec<SheetCell>, merges: Vec<Region>) -> (Vec<Grid>, Vec<Diagnostic>) {
        sheet(cells, merges, 1_000_000).expect("grids")
    }

    #[test]
    fn empty_rows_split_blocks_and_empty_merges_do_not() {
        let (grids, diagnostics) = grids(
            vec![
                cell(0, 0, "a"),
                cell(2, 0, "b"),
                cell(2, 2, "c"),
                cell(6, 1, "d"),
            ],
            // Row 3 holds only an empty merge: it joins rows 2 and 4.
            vec![Region::new((3, 0), (3, 2)), Region::new((4, 0), (5, 0))],
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(grids.len(), 2);
        assert_eq!((grids[0].rows(), grids[0].cols()), (1, 1));
        // Second block: rows 2..=6, columns A..C; rows 4–5 hold an empty merge only, row 6
        // holds "d", so nothing is trimmed.
        let second = &grids[1];
        assert_eq!((second.rows(), second.cols()), (5, 3));
        assert_eq!(second.slot(0, 2).expect("c").cell.text, "c");
        assert_eq!(second.slot(1, 0).expect("merge").cell.col_span, 3);
        assert_eq!(second.slot(4, 1).expect("d").cell.text, "d");
        assert_eq!(second.location.grid, Some(1));
        assert_eq!(second.location.sheet.as_deref(), Some("S"));
        // Every slot is covered: empty cells fill the gaps.
        for row in 0..second.rows() {
            for col in 0..second.cols() {
                assert!(second.slot(row, col).is_some(), "({row},{col})");
            }
        }
    }

    #[test]
    fn trailing_empty_merge_is_trimmed_and_value_under_merge_is_moved() {
        let (grids, diagnostics) = grids(
            vec![cell(0, 0, "title"), cell(1, 1, "hidden")],
            vec![Region::new((1, 0), (1, 3)), Region::new((2, 0), (2, 5))],
        );
        assert_eq!(grids.len(), 1);
        let grid = &grids[0];
        assert_eq!((grid.rows(), grid.cols()), (2, 4));
        let merged = grid.slot(1, 0).expect("merge").cell;
        assert_eq!((merged.text.as_str(), merged.col_span), ("hidden", 4));
        assert_eq!(diagnostics[0].code, "merged_value_moved");
    }

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(9, 25), "Z10");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn merge_over_the_whole_sheet_is_cut_to_the_values_or_refused_past_the_budget() {
        let (grids, diagnostics) = sheet(
            vec![cell(0, 0, "x"), cell(3, 3, "y")],
            vec![Region::new((0, 0), (1_048_575, 16_383))],
            10_000,
        )
        .expect("cut");
        // The merge now covers every value: one cell, the hidden value reported.
        assert_eq!((grids[0].rows(), grids[0].cols()), (1, 1));
        assert_eq!(grids[0].cells()[0].text, "x");
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["empty_columns_collapsed", "merge_clamped", "hidden_value"]
        );
        let error =
            sheet(vec![cell(0, 0, "x"), cell(1, 3, "y")], Vec::new(), 3).expect_err("over budget");
        assert!(error.to_string().contains("--max-cells"), "{error}");
    }

    #[test]
    fn a_lone_far_cell_costs_one_column_not_sixteen_thousand() {
        let (grids, diagnostics) = grids(
            vec![
                cell(0, 0, "项目名称"),
                cell(0, 1, "办公设备"),
                cell(1, 0, "一级指标"),
                cell(0, 16_383, "far"),
            ],
            vec![Region::new((1, 1), (1, 3))],
        );
        assert_eq!((grids[0].rows(), grids[0].cols()), (2, 6));
        let far = grids[0]
            .cells()
            .iter()
            .find(|cell| cell.text == "far")
            .expect("the far cell is kept");
        assert_eq!(far.col, 5, "one empty column stands for the run");
        let merged = grids[0]
            .cells()
            .iter()
            .find(|cell| cell.row == 1 && cell.col == 1)
            .expect("the merge");
        assert_eq!(
            merged.col_span, 3,
            "columns near the cells are kept as they are"
        );
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, "empty_columns_collapsed");
        assert!(!diagnostics[0].lost);
        assert!(
            diagnostics[0].message.contains("16378 empty columns")
                && diagnostics[0].message.contains("between columns D and XFD"),
            "{}",
            diagnostics[0].message
        );
    }
}
